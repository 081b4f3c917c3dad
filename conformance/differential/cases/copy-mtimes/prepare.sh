# The source directory's name is unique among the cases: a buildkitd that built another case with
# the same directory in its context keeps that directory's mtime when it syncs this context.
echo a > a.txt; echo f > mtime-src/f; echo s > mtime-src/sub/s
chmod 0700 mtime-src; chmod 0750 mtime-src/sub
touch -h -d @1000000000 a.txt mtime-src/f mtime-src/sub/s mtime-src/sub mtime-src
