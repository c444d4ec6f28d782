chunk <main> 0
line 2
LOAD_UPVALUE 0
HALT
