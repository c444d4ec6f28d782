; a callback that leaves extra values on the stack still returns its result
chunk <main> 0
line 1
PUSH_CONST 1
PUSH_CONST 2
MAKE_ARRAY 2
MAKE_CLOSURE cb
CALL map 2
PRINT
HALT
chunk cb 1
line 2
STORE x
PUSH_CONST "junk"
LOAD x
PUSH_CONST 10
MUL
RETURN
