mkdir -p t/in && echo inner > t/in/f && chmod 0700 t/in/f && tar -cf arch.tar -C t in && rm -rf t
