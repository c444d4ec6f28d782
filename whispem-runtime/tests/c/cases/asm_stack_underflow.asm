chunk <main> 0
line 3
PUSH_TRUE
POP
POP
HALT
