; MAKE_CLOSURE in the main frame: STORE updates both the open cell and the global.
chunk <main> 0
line 1
PUSH_CONST 1
STORE x
MAKE_CLOSURE f local:x
STORE g
PUSH_CONST 2
STORE x
CALL g 0
PRINT
LOAD x
PRINT
MAKE_CLOSURE f local:never_set
CALL __callee__ 0
CALL type_of 1
PRINT
HALT
chunk f 0
line 2
LOAD_UPVALUE 0
RETURN
