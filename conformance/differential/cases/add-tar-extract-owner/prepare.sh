mkdir -p src/d && echo one > src/f && chmod 4711 src/f && ln src/f src/d/hard && ln -s ../f src/d/sym && mkdir -p src/empty
tar --owner=1234 --group=4321 --numeric-owner -C src -cf owned.tar f d empty && rm -rf src
