echo "just text" > notar && gzip -n notar
mkdir -p w/d && echo x > w/d/.wh.gone && echo y > w/d/kept && echo o > w/.wh..wh..opq && tar -C w -cf wh.tar . && rm -rf w
mkdir -p a/etc && echo abs > a/etc/absfile && tar -C a -P --transform 's|^\./|/|' -cf abs.tar ./etc/absfile && rm -rf a
mkdir -p t && echo t > t/f && tar -C t -cf t.tar . && rm -rf t
