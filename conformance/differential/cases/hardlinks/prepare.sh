mkdir -p links && echo data > links/a && ln links/a links/b
