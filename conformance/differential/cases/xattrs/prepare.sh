mkdir -p x && echo f > x/f
python3 -c 'import os; os.setxattr("x/f", "user.note", b"hello")'
