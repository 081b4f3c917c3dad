n=$(printf 'n%.0s' $(seq 1 140)); mkdir -p long/$(printf 'x%.0s' $(seq 1 90))/$(printf 'y%.0s' $(seq 1 90)) && echo deep > long/$(printf 'x%.0s' $(seq 1 90))/$(printf 'y%.0s' $(seq 1 90))/$n
