mkdir -p tree/d && echo f > tree/file && ln -s file tree/link-to-file && ln -s d tree/link-to-dir && ln -s /nowhere tree/abs
