chunk <main> 0
line 1
PUSH_CONST "hi"
PRINT
