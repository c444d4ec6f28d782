; §14.4 step 5: a lambda chunk can be called by its internal name (no cells).
chunk <main> 0
line 1
PUSH_CONST 20
CALL __lambda_1_0 1
PRINT
HALT
chunk __lambda_1_0 1
line 1
STORE x
LOAD x
PUSH_CONST 1
ADD
RETURN
RETURN_NONE
