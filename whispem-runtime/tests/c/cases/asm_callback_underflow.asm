; a callback may not pop below its own arguments (the builtin's values sit there)
chunk <main> 0
line 1
PUSH_CONST 1
MAKE_ARRAY 1
MAKE_CLOSURE cb
CALL map 2
PRINT
HALT
chunk cb 1
line 4
POP
POP
RETURN_NONE
