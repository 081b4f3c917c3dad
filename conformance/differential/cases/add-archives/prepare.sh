mkdir -p src/d && echo one > src/one && echo two > src/d/two && ln -s one src/link && chmod 0700 src/d
tar --owner=1000 --group=1000 --numeric-owner -C src -cf t.tar .
gzip -kn t.tar && bzip2 -k t.tar && xz -k t.tar && rm -rf src
echo not an archive > notarchive.txt
