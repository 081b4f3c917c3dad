mkdir -p bits/sticky && echo x > bits/s && chmod 4750 bits/s && chmod 1755 bits/sticky && echo r > bits/ro && chmod 0444 bits/ro
