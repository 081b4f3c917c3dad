mkdir -p ctx/empty ctx/nested/deeper/empty && chmod 0700 ctx/nested && echo f > ctx/f
