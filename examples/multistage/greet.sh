#!/bin/sh
echo "${GREETING:-hi} from img"
