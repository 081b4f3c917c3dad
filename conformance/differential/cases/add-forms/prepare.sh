mkdir src && echo in > src/in && tar -C src -czf t.tar.gz . && rm -rf src
