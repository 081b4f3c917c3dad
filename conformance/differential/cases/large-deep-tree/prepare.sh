head -c 40000000 /dev/zero | tr '\0' 'x' > big.bin
printf 'tail' >> big.bin
p=deep; for i in $(seq 1 60); do p=$p/level$i; done
mkdir -p "$p" && echo bottom > "$p/bottom.txt"
for i in $(seq 1 300); do echo $i > deep/f$i; done
