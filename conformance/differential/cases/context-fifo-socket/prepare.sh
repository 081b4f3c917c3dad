mkfifo dir/pipe
python3 -c 'import socket; s=socket.socket(socket.AF_UNIX); s.bind("dir/sock")'
