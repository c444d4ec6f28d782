chunk <main> 0
line 2
MAKE_CLOSURE f up:3
HALT
chunk f 0
line 5
RETURN_NONE
