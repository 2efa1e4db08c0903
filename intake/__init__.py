"""Where FDJ files come from: local paths, folders, http(s) URLs and zips, read within the guards
(``lottery/fdj/guards.py``), and the inbox folder's moves."""
