mkdir -p s1 s2 && echo 1 > s1/one && echo 2 > s2/two && tar -C s1 -cf a.tar . && tar -C s2 -cf b.tar . && rm -rf s1 s2 && echo p > plain.txt
