"""The decided agreement as a record: its archival PDF (PDF/A-2a and PDF/UA-1), the service's seal on it
(PAdES, pyHanko) and the public page that checks an uploaded file against the kept, sealed versions."""
