chunk <main> 0
line 1
CALL f 0
HALT
chunk f 0
line 2
PUSH_TRUE
POP
