; PUSH_NONE, JUMP_IF_TRUE, CLOSE_UPVALUE and constant tags 1 (bool) and 3 (none),
; none of which the reference compiler emits.
chunk <main> 0
const bool 1
const none
const bool 0
line 1
PUSH_CONST #0
PRINT
PUSH_CONST #1
PRINT
PUSH_CONST #2
PRINT
PUSH_NONE
CALL type_of 1
PRINT
CLOSE_UPVALUE 0
PUSH_TRUE
JUMP_IF_TRUE skip
PUSH_CONST "not printed"
PRINT
skip:
PUSH_FALSE
JUMP_IF_TRUE skip2
PUSH_CONST "printed"
PRINT
skip2:
HALT
