echo a > a.txt; echo f > dir/f; echo s > dir/sub/s
touch -h -d @1000000000 a.txt dir/f dir/sub/s dir/sub dir
