-- TLS to hosts (issue 10): the PEM CA bundle dbplane trusts for a host's
-- certificate, and the name to check it against instead of the hostname.
-- Both empty: the system's CAs and the hostname, as before.
ALTER TABLE hosts ADD COLUMN tls_ca TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN tls_server_name TEXT COLLATE "C" NOT NULL DEFAULT '';
