/*
 * config-keys.c: every key ferry.conf knows, by section: its type, whether
 * it is required, its default and the escapes it allows.  A new key is one
 * line here and, when its type is new, one reader in config-value.c.
 */
#include <stddef.h>

#include "config-int.h"

#define M(f)	.off = offsetof(struct config, f)
#define H(f)	.off = offsetof(struct host, f)
#define D(f)	.off = offsetof(struct dns_conf, f)
#define A(f)	.off = offsetof(struct account, f)

static const char *const mta_words[] = { "", "sendmail", "postfix", NULL };
static const char *const mail_words[] = { "auto", "local", "forwarded", NULL };
static const char *const freeze_words[] = { "stop", "announce", NULL };

static const struct key_def migration_keys[] = {
	{ "from", K_HOSTREF, 1, M(from) },
	{ "to", K_HOSTREF, 1, M(to) },
	{ "journal", K_LPATH, 0, M(journal), .def = "ferry.db" },
	{ "ssh-config", K_LPATH, 0, M(ssh_config) },
	{ "admin", K_EMAIL, 1, M(admin) },
	{ "smtp", K_HOSTPORT, 1, M(smtp) },
	{ "userdir-domain", K_DOMAIN, 0, M(userdir_domain) },
	{ "userdir-redirect", K_URL, 0, M(userdir_redirect), .esc = "u" },
	{ "watch-seconds", K_INT, 0, M(watch_seconds), .def = "600", .lo = 0, .hi = 604800 },
	{ "presync-until", K_INT, 0, M(presync_until), .def = "1000", .lo = 1, .hi = 1000000000 },
	{ "track-changes", K_BOOL, 0, M(track_changes), .def = "yes" },
	{ .name = NULL }
};

static const struct key_def host_keys[] = {
	{ "ssh", K_SSH, 1, H(ssh) },
	{ "address", K_IPV4, 1, H(address) },
	{ "name", K_DOMAIN, 0, H(fqdn) },
	{ "rsync-to", K_DEST, 0, H(rsync_to) },
	{ "home", K_RPATH, 0, H(home) },
	{ "mta", K_ENUM, 0, H(mta), .words = mta_words },
	{ "virtusertable", K_RPATH, 0, H(virtusertable) },
	{ "mta-domains", K_RPATH, 0, H(mta_domains) },
	{ "mail-spool", K_RPATH, 0, H(mail_spool), .def = "/var/spool/mail" },
	{ "mta-reload", K_CMD, 0, H(mta_reload), .esc = "u" },
	{ "apache-vhosts", K_RPATHS, 0, H(apache_vhosts) },
	{ "apache-check", K_CMD, 0, H(apache_check), .def = "apache2ctl -t", .esc = "f" },
	{ "apache-reload", K_CMD, 0, H(apache_reload), .def = "apache2ctl graceful" },
	{ "firewall", K_RPATH, 0, H(firewall) },
	{ "apache-log", K_RPATH, 0, H(apache_log), .def = "/var/log/apache2/access.log" },
	{ "apache-error-log", K_RPATH, 0, H(apache_error_log),
	  .def = "/var/log/apache2/error.log" },
	{ "mail-log", K_RPATH, 0, H(mail_log), .def = "/var/log/mail.log" },
	{ "auth-log", K_RPATH, 0, H(auth_log), .def = "/var/log/auth.log" },
	{ .name = NULL }
};

static const struct key_def dns_keys[] = {
	{ "primary", K_HOSTREF, 1, D(primary) },
	{ "secondaries", K_HOSTREFS, 0, D(secondaries) },
	{ "zone-file", K_RPATH, 1, D(zone_file), .esc = "z" },
	{ "zone-check", K_CMD, 0, D(zone_check), .def = "named-checkzone %z %f", .esc = "zf" },
	{ "reload", K_CMD, 0, D(reload), .def = "rndc reload %z", .esc = "z" },
	{ "retransfer", K_CMD, 0, D(retransfer), .def = "rndc retransfer %z", .esc = "z" },
	{ "cutover-ttl", K_INT, 0, D(cutover_ttl), .def = "300", .lo = 1, .hi = 604800 },
	{ .name = NULL }
};

static const struct key_def account_keys[] = {
	{ "owner", K_EMAIL, 1, A(owner) },
	{ "services", K_SERVICES, 0, A(services) },
	{ "domains", K_DOMAINS, 0, A(domains) },
	{ "web", K_DOMAINS, 0, A(web) },
	{ "test-name", K_DOMAIN, 0, A(test_name) },
	{ "mail", K_ENUM, 0, A(mail), .words = mail_words },
	{ "userdir", K_BOOL, 0, A(userdir), .def = "no" },
	{ "web-check", K_URLPATHS, 0, A(web_check), .def = "/", .pct_literal = 1 },
	{ "rsync-exclude", K_PATTERNS, 0, A(rsync_exclude) },
	{ "mush-dir", K_SUBPATH, 0, A(mush_dir) },
	{ "mush-port", K_INT, 0, A(mush_port), .lo = 1, .hi = 65535 },
	{ "mush-start", K_CMD, 0, A(mush_start), .esc = "u" },
	{ "mush-pidfile", K_SUBPATH, 0, A(mush_pidfile), .def = "netmux.pid" },
	{ "mush-stop", K_CMD, 0, A(mush_stop), .esc = "u" },
	{ "mush-save", K_SUBPATH, 0, A(mush_save) },
	{ "mush-name", K_DOMAIN, 0, A(mush_name) },
	{ "mush-freeze", K_ENUM, 0, A(mush_freeze), .words = freeze_words },
	{ "mush-admin", K_LPATH, 0, A(mush_admin) },
	{ .name = NULL }
};

const struct sec_def sec_defs[SEC_ACCOUNT + 1] = {
	{ "migration", SEC_MIGRATION, 0, migration_keys },
	{ "host", SEC_HOST, 1, host_keys },
	{ "dns", SEC_DNS, 0, dns_keys },
	{ "account", SEC_ACCOUNT, 1, account_keys },
};

const struct sec_def *
sec_def_of(enum sec_kind kind)
{
	return &sec_defs[kind];
}

const struct key_def *
conf_section_keys(enum sec_kind kind)
{
	return sec_def_of(kind)->keys;
}
