/* SPDX-License-Identifier: GPL-3.0-or-later */

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "messagerie-core-private.h"
#include "messagerie-rules.h"

/* A valid Scribe server relaying through an authenticating gateway: every
 * rule is in use, and none fires. */
static const char scribe_settings[] =
  "[general]\n"
  "machine_name=scribe\n"
  "dns_domain=monetab.lan\n"
  "containers=scribe;web;\n"
  "module=scribe\n"
  "webmail=roundcube\n"
  "apache_upload_max_mb=20\n"
  "\n"
  "[messagerie]\n"
  "antispam=true\n"
  "mail_server=imap\n"
  "mailing_lists=false\n"
  "mail_domain=monetab.ac-aca.fr\n"
  "root_sender=admin@monetab.ac-aca.fr\n"
  "root_sender_name=Serveur Scribe\n"
  "root_recipient=admin@monetab.ac-aca.fr\n"
  "max_message_size_mb=10\n"
  "mailbox_quota_mb=20\n"
  "rewrite_headers=false\n"
  "relay_enabled=true\n"
  "relay_host=smtp.ac-aca.fr\n"
  "relay_tls=port-587\n"
  "relay_port=\n"
  "relay_custom_implicit_tls=false\n"
  "relay_tls_verify=true\n"
  "relay_auth=true\n"
  "relay_user=scribe\n";

static const char scribe_password[] = "s3cret";

typedef enum {
  BASE_SCRIBE,
  /* No file at all, on a host named scribe.monetab.lan. */
  BASE_EMPTY,
  /* No file, on a host whose name has no domain. */
  BASE_EMPTY_NO_DOMAIN,
} Base;

typedef struct {
  const char *path;
  /* key, value pairs set on the base; "{N*s}" in a value stands for N
   * copies of s, for the length limits. */
  const char *set[13];
  /* The exact set of "key:rule" pairs expected, separated by spaces. */
  const char *expected;
  Base        base;
  /* Replaces the base's password when set; clear_password removes it. */
  const char *password;
  gboolean    clear_password;
} RuleCase;

static const RuleCase rule_cases[] = {
  /* The fixture and the defaults. */
  { "/rules/defaults/fixture-is-valid", { NULL }, "" },
  { "/rules/defaults/empty-settings", { NULL },
    "root_sender:E3 root_recipient:E3 relay_host:E6", BASE_EMPTY },
  { "/rules/defaults/empty-settings-relay-off", { "relay_enabled", "false" },
    "root_sender:E3 root_recipient:E3", BASE_EMPTY },
  { "/rules/defaults/empty-settings-on-scribe", { "module", "scribe" },
    "root_sender:E3 root_recipient:E3 relay_host:E6", BASE_EMPTY },
  { "/rules/defaults/empty-settings-host-without-domain", { NULL },
    "mail_domain:E1 root_sender:E3 root_recipient:E3 relay_host:E6", BASE_EMPTY_NO_DOMAIN },

  /* Rules apply only to the values in use. */
  { "/rules/in-use/relay-off",
    { "relay_enabled", "false", "relay_host", "", "relay_tls", "custom",
      "relay_port", "x", "relay_user", "", "root_sender", "admin@other.fr" },
    "", .password = "" },
  { "/rules/in-use/module-without-mail-server",
    { "module", "other", "mailbox_quota_mb", "x" }, "" },
  { "/rules/in-use/port-without-custom", { "relay_port", "x" }, "" },
  { "/rules/in-use/auth-off",
    { "relay_auth", "false", "relay_user", "" }, "", .password = "" },

  /* E1 */
  { "/rules/E1/two-labels", { "mail_domain", "monetab.fr" }, "" },
  { "/rules/E1/upper-case", { "mail_domain", "MONETAB.AC-ACA.FR" }, "" },
  { "/rules/E1/inner-hyphen", { "mail_domain", "mon-etab.ac-aca.fr" }, "" },
  { "/rules/E1/numeric-first-label", { "mail_domain", "123.ac-aca.fr" }, "" },
  { "/rules/E1/digit-in-last-label", { "mail_domain", "monetab.a1" }, "" },
  { "/rules/E1/idn-ace-form", { "mail_domain", "xn--lyce-dpa.fr" }, "" },
  { "/rules/E1/label-63", { "mail_domain", "{63*a}.ac-aca.fr" }, "" },
  { "/rules/E1/label-64", { "mail_domain", "{64*a}.ac-aca.fr" }, "mail_domain:E1" },
  { "/rules/E1/length-253", { "mail_domain", "{63*a}.{63*b}.{63*c}.{51*d}.ac-aca.fr" }, "" },
  { "/rules/E1/length-254", { "mail_domain", "{63*a}.{63*b}.{63*c}.{52*d}.ac-aca.fr" }, "mail_domain:E1" },
  { "/rules/E1/empty", { "mail_domain", "" }, "mail_domain:E1" },
  { "/rules/E1/one-label", { "mail_domain", "monetab" }, "mail_domain:E1" },
  { "/rules/E1/leading-hyphen", { "mail_domain", "-monetab.fr" }, "mail_domain:E1" },
  { "/rules/E1/trailing-hyphen", { "mail_domain", "monetab-.fr" }, "mail_domain:E1" },
  { "/rules/E1/hyphen-ending-last-label", { "mail_domain", "monetab.fr-" }, "mail_domain:E1" },
  { "/rules/E1/trailing-dot", { "mail_domain", "monetab.fr." }, "mail_domain:E1" },
  { "/rules/E1/leading-dot", { "mail_domain", ".monetab.fr" }, "mail_domain:E1" },
  { "/rules/E1/double-dot", { "mail_domain", "monetab..fr" }, "mail_domain:E1" },
  { "/rules/E1/only-a-dot", { "mail_domain", "." }, "mail_domain:E1" },
  { "/rules/E1/numeric-last-label", { "mail_domain", "monetab.123" }, "mail_domain:E1" },
  { "/rules/E1/ipv4-address", { "mail_domain", "192.0.2.1" }, "mail_domain:E1" },
  { "/rules/E1/non-ascii", { "mail_domain", "lycée.fr" }, "mail_domain:E1" },
  { "/rules/E1/underscore", { "mail_domain", "mon_etab.fr" }, "mail_domain:E1" },
  { "/rules/E1/space", { "mail_domain", "monetab .fr" }, "mail_domain:E1" },
  { "/rules/E1/address", { "mail_domain", "admin@monetab.fr" }, "mail_domain:E1" },
  { "/rules/E1/url", { "mail_domain", "https://monetab.fr" }, "mail_domain:E1" },

  /* E2 */
  { "/rules/E2/machine-name", { "mail_domain", "scribe.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/machine-name-upper-case", { "mail_domain", "SCRIBE.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/container", { "mail_domain", "web.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/container-mixed-case", { "mail_domain", "Web.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/other-machine-name",
    { "machine_name", "ecole", "mail_domain", "ecole.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/container-with-spaces",
    { "containers", " scribe ; db ;", "mail_domain", "db.ac-aca.fr" }, "mail_domain:E2" },
  { "/rules/E2/default-prefix", { "mail_domain", "i-scribe.monetab.lan" }, "" },
  { "/rules/E2/name-not-first", { "mail_domain", "monetab.scribe.fr" }, "" },
  { "/rules/E2/name-as-prefix-of-label", { "mail_domain", "webmail.ac-aca.fr" }, "" },
  { "/rules/E2/container-removed",
    { "containers", "scribe;", "mail_domain", "web.ac-aca.fr" }, "" },
  { "/rules/E2/after-E1", { "mail_domain", "scribe" }, "mail_domain:E1" },

  /* E3 */
  { "/rules/E3/dot-atom", { "root_sender", "root.scribe@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/upper-case", { "root_sender", "ADMIN@MONETAB.AC-ACA.FR" }, "" },
  { "/rules/E3/atext", { "root_sender", "!#$%&'*+-/=?^_`{|}~@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/local-part-64", { "root_sender", "{64*a}@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/local-part-65", { "root_sender", "{65*a}@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/quoted-local-part-64", { "root_sender", "\"{62*a}\"@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/quoted-local-part-65", { "root_sender", "\"{63*a}\"@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/length-254",
    { "root_sender", "{64*a}@{63*b}.{63*c}.{51*d}.ac-aca.fr" }, "" },
  { "/rules/E3/length-255",
    { "root_sender", "{64*a}@{63*b}.{63*c}.{52*d}.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/quoted-with-space", { "root_sender", "\"a b\"@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/quoted-with-escape", { "root_sender", "\"a\\\"b\"@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/quoted-unterminated", { "root_sender", "\"a b@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/quoted-with-tab", { "root_sender", "\"a\tb\"@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/ipv4-literal", { "root_sender", "admin@[192.0.2.1]" }, "" },
  { "/rules/E3/ipv6-literal", { "root_sender", "admin@[IPv6:2001:db8::1]" }, "" },
  { "/rules/E3/ipv6-literal-without-tag", { "root_sender", "admin@[2001:db8::1]" }, "root_sender:E3" },
  { "/rules/E3/ipv4-literal-out-of-range", { "root_sender", "admin@[192.0.2.256]" }, "root_sender:E3" },
  { "/rules/E3/literal-unclosed", { "root_sender", "admin@[192.0.2.1" }, "root_sender:E3" },
  { "/rules/E3/idn-ace-form", { "root_recipient", "admin@xn--lyce-dpa.fr" }, "" },
  { "/rules/E3/empty", { "root_sender", "" }, "root_sender:E3" },
  { "/rules/E3/no-at", { "root_sender", "admin" }, "root_sender:E3" },
  { "/rules/E3/no-domain", { "root_sender", "admin@" }, "root_sender:E3" },
  { "/rules/E3/no-local-part", { "root_sender", "@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/two-at", { "root_sender", "admin@scribe@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/display-name", { "root_sender", "Admin <admin@monetab.ac-aca.fr>" }, "root_sender:E3" },
  { "/rules/E3/angle-brackets", { "root_sender", "<admin@monetab.ac-aca.fr>" }, "root_sender:E3" },
  { "/rules/E3/list-comma", { "root_sender", "a@monetab.ac-aca.fr, b@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/list-semicolon", { "root_sender", "a@monetab.ac-aca.fr;b@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/list-space", { "root_sender", "a@monetab.ac-aca.fr b@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/space", { "root_sender", "ad min@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/trailing-space", { "root_sender", "admin@monetab.ac-aca.fr " }, "root_sender:E3" },
  { "/rules/E3/leading-dot", { "root_sender", ".admin@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/trailing-dot", { "root_sender", "admin.@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/double-dot", { "root_sender", "ad..min@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/one-label-domain", { "root_sender", "root@localhost" }, "root_sender:E3" },
  { "/rules/E3/domain-hyphen", { "root_sender", "admin@-monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/domain-trailing-dot", { "root_sender", "admin@monetab.ac-aca.fr." }, "root_sender:E3" },
  { "/rules/E3/non-ascii-local-part", { "root_sender", "élève@monetab.ac-aca.fr" }, "root_sender:E3" },
  { "/rules/E3/non-ascii-domain", { "root_sender", "admin@lycée.fr" }, "root_sender:E3" },
  { "/rules/E3/header-injection",
    { "root_sender", "admin@monetab.ac-aca.fr\r\nBcc: spy@example.org" }, "root_sender:E3" },
  { "/rules/E3/recipient-valid", { "root_recipient", "root-mail@ac-aca.fr" }, "" },
  /* Valid addresses that /etc/aliases reads as a comment, a command, a file. */
  { "/rules/E3/recipient-hash", { "root_recipient", "#admin@example.org" }, "root_recipient:E3" },
  { "/rules/E3/recipient-pipe", { "root_recipient", "|admin@example.org" }, "root_recipient:E3" },
  { "/rules/E3/recipient-slash", { "root_recipient", "/admin@example.org" }, "root_recipient:E3" },
  { "/rules/E3/recipient-include", { "root_recipient", ":include:/etc/x@example.org" }, "root_recipient:E3" },
  { "/rules/E3/recipient-inner-hash", { "root_recipient", "ad#min@example.org" }, "" },
  { "/rules/E3/sender-hash", { "root_sender", "#admin@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/recipient-quoted", { "root_recipient", "\"a b\"@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/recipient-ipv4-literal", { "root_recipient", "admin@[192.0.2.1]" }, "" },
  { "/rules/E3/recipient-local-part-64", { "root_recipient", "{64*a}@monetab.ac-aca.fr" }, "" },
  { "/rules/E3/recipient-local-part-65", { "root_recipient", "{65*a}@monetab.ac-aca.fr" }, "root_recipient:E3" },
  { "/rules/E3/recipient-length-254",
    { "root_recipient", "{64*a}@{63*b}.{63*c}.{51*d}.ac-aca.fr" }, "" },
  { "/rules/E3/recipient-length-255",
    { "root_recipient", "{64*a}@{63*b}.{63*c}.{52*d}.ac-aca.fr" }, "root_recipient:E3" },
  { "/rules/E3/recipient-non-ascii", { "root_recipient", "admin@lycée.fr" }, "root_recipient:E3" },
  { "/rules/E3/recipient-one-label-domain", { "root_recipient", "root@scribe" }, "root_recipient:E3" },
  { "/rules/E3/recipient-empty", { "root_recipient", "" }, "root_recipient:E3" },
  { "/rules/E3/recipient-display-name",
    { "root_recipient", "\"Admin\" <admin@monetab.ac-aca.fr>" }, "root_recipient:E3" },
  { "/rules/E3/recipient-list",
    { "root_recipient", "a@monetab.ac-aca.fr,b@monetab.ac-aca.fr" }, "root_recipient:E3" },
  { "/rules/E3/recipient-unterminated-quote",
    { "root_recipient", "\"admin@monetab.ac-aca.fr" }, "root_recipient:E3" },
  { "/rules/E3/both", { "root_sender", "admin", "root_recipient", "root" },
    "root_sender:E3 root_recipient:E3" },

  /* E4 */
  { "/rules/E4/empty", { "root_sender_name", "" }, "" },
  { "/rules/E4/length-64", { "root_sender_name", "{64*a}" }, "" },
  { "/rules/E4/length-65", { "root_sender_name", "{65*a}" }, "root_sender_name:E4" },
  { "/rules/E4/accented-64-characters", { "root_sender_name", "{64*é}" }, "" },
  { "/rules/E4/accented-65-characters", { "root_sender_name", "{65*é}" }, "root_sender_name:E4" },
  { "/rules/E4/four-byte-64-characters", { "root_sender_name", "{64*\xf0\x9f\x93\xa7}" }, "" },
  { "/rules/E4/four-byte-65-characters", { "root_sender_name", "{65*\xf0\x9f\x93\xa7}" }, "root_sender_name:E4" },
  { "/rules/E4/punctuation", { "root_sender_name", "Lycée « Victor Hugo », \"Scribe\" <root>" }, "" },

  /* E5 */
  { "/rules/E5/size-1", { "max_message_size_mb", "1" }, "" },
  { "/rules/E5/size-2048",
    { "max_message_size_mb", "2048", "webmail", "none", "mailbox_quota_mb", "0" }, "" },
  { "/rules/E5/size-0", { "max_message_size_mb", "0" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-2049", { "max_message_size_mb", "2049" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-empty", { "max_message_size_mb", "" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-negative", { "max_message_size_mb", "-1" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-decimal", { "max_message_size_mb", "1.5" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-leading-space", { "max_message_size_mb", " 10" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-unit", { "max_message_size_mb", "10MB" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-hexadecimal", { "max_message_size_mb", "0x10" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-overflow",
    { "max_message_size_mb", "18446744073709551626" }, "max_message_size_mb:E5" },
  { "/rules/E5/size-on-module-other", { "module", "other", "max_message_size_mb", "0" },
    "max_message_size_mb:E5" },
  { "/rules/E5/quota-0", { "mailbox_quota_mb", "0" }, "" },
  { "/rules/E5/quota-1048576", { "mailbox_quota_mb", "1048576" }, "" },
  { "/rules/E5/quota-1048577", { "mailbox_quota_mb", "1048577" }, "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-empty", { "mailbox_quota_mb", "" }, "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-negative", { "mailbox_quota_mb", "-1" }, "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-word", { "mailbox_quota_mb", "unlimited" }, "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-trailing-space", { "mailbox_quota_mb", "20 " }, "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-on-amonecole", { "module", "amonecole", "mailbox_quota_mb", "x" },
    "mailbox_quota_mb:E5" },
  { "/rules/E5/quota-on-module-other", { "module", "other", "mailbox_quota_mb", "x" }, "" },

  /* E6 */
  { "/rules/E6/dns-name", { "relay_host", "smtp.ac-aca.fr" }, "" },
  { "/rules/E6/upper-case", { "relay_host", "SMTP.AC-ACA.FR" }, "" },
  { "/rules/E6/single-label", { "relay_host", "mailhub" }, "" },
  { "/rules/E6/ipv4", { "relay_host", "192.0.2.25" }, "" },
  { "/rules/E6/ipv6", { "relay_host", "2001:db8::25" }, "" },
  { "/rules/E6/ipv4-other-loopback", { "relay_host", "127.0.0.2" }, "" },
  { "/rules/E6/ipv4-loopback-net", { "relay_host", "127.1.2.3" }, "" },
  /* What exim refuses as "the local host". */
  { "/rules/E6/local/ipv4-loopback", { "relay_host", "127.0.0.1" }, "relay_host:E6" },
  { "/rules/E6/local/ipv6-loopback", { "relay_host", "::1" }, "relay_host:E6" },
  { "/rules/E6/local/ipv6-loopback-long", { "relay_host", "0:0:0:0:0:0:0:1" }, "relay_host:E6" },
  { "/rules/E6/local/ipv6-mapped-loopback", { "relay_host", "::ffff:127.0.0.1" }, "relay_host:E6" },
  { "/rules/E6/local/ipv4-any", { "relay_host", "0.0.0.0" }, "relay_host:E6" },
  { "/rules/E6/local/ipv6-any", { "relay_host", "::" }, "relay_host:E6" },
  { "/rules/E6/local/localhost", { "relay_host", "localhost" }, "relay_host:E6" },
  { "/rules/E6/local/localhost-upper", { "relay_host", "LocalHost" }, "relay_host:E6" },
  { "/rules/E6/local/localhost-localdomain", { "relay_host", "localhost.localdomain" }, "relay_host:E6" },
  { "/rules/E6/local/under-localhost", { "relay_host", "smtp.localhost" }, "relay_host:E6" },
  { "/rules/E6/local/machine-name", { "relay_host", "scribe" }, "relay_host:E6" },
  { "/rules/E6/local/machine-name-upper", { "relay_host", "SCRIBE" }, "relay_host:E6" },
  { "/rules/E6/local/server-name", { "relay_host", "scribe.monetab.lan" }, "relay_host:E6" },
  { "/rules/E6/machine-name-elsewhere", { "relay_host", "scribe.ac-aca.fr" }, "" },
  { "/rules/E6/ipv6-mapped-ipv4", { "relay_host", "::ffff:192.0.2.25" }, "" },
  { "/rules/E6/label-63", { "relay_host", "{63*a}.ac-aca.fr" }, "" },
  { "/rules/E6/label-64", { "relay_host", "{64*a}.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/length-253", { "relay_host", "{63*a}.{63*b}.{63*c}.{51*d}.ac-aca.fr" }, "" },
  { "/rules/E6/length-254", { "relay_host", "{63*a}.{63*b}.{63*c}.{52*d}.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/empty", { "relay_host", "" }, "relay_host:E6" },
  { "/rules/E6/bracketed-ipv6", { "relay_host", "[2001:db8::25]" }, "relay_host:E6" },
  { "/rules/E6/bracketed-ipv6-with-port", { "relay_host", "[2001:db8::25]:587" }, "relay_host:E6" },
  { "/rules/E6/ipv6-zone", { "relay_host", "fe80::1%eth0" }, "relay_host:E6" },
  { "/rules/E6/host-and-port", { "relay_host", "smtp.ac-aca.fr:587" }, "relay_host:E6" },
  { "/rules/E6/ipv4-and-port", { "relay_host", "192.0.2.25:25" }, "relay_host:E6" },
  { "/rules/E6/url", { "relay_host", "smtp://smtp.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/url-with-port", { "relay_host", "smtps://smtp.ac-aca.fr:465/" }, "relay_host:E6" },
  { "/rules/E6/path", { "relay_host", "smtp.ac-aca.fr/" }, "relay_host:E6" },
  { "/rules/E6/inner-space", { "relay_host", "smtp ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/leading-space", { "relay_host", " smtp.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/two-hosts", { "relay_host", "smtp1.ac-aca.fr smtp2.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/ipv4-out-of-range", { "relay_host", "192.0.2.256" }, "relay_host:E6" },
  { "/rules/E6/ipv4-incomplete", { "relay_host", "192.0.2" }, "relay_host:E6" },
  { "/rules/E6/trailing-dot", { "relay_host", "smtp.ac-aca.fr." }, "relay_host:E6" },
  { "/rules/E6/hyphen", { "relay_host", "smtp-.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/underscore", { "relay_host", "smtp_1.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/non-ascii", { "relay_host", "smtp.lycée.fr" }, "relay_host:E6" },
  { "/rules/E6/user-at-host", { "relay_host", "scribe@smtp.ac-aca.fr" }, "relay_host:E6" },
  { "/rules/E6/relay-off", { "relay_enabled", "false", "relay_host", "smtp.ac-aca.fr:25" }, "" },

  /* E7 */
  /* E12 */
  { "/rules/E12/defaults", { "spam_flag_score", "5.0", "spam_reject_score", "12.0" }, "" },
  { "/rules/E12/whole", { "spam_flag_score", "5", "spam_reject_score", "12" }, "" },
  { "/rules/E12/lowest-highest", { "spam_flag_score", "0.1", "spam_reject_score", "100" }, "" },
  { "/rules/E12/zero", { "spam_flag_score", "0" }, "spam_flag_score:E12" },
  { "/rules/E12/zero-decimal", { "spam_flag_score", "0.0" }, "spam_flag_score:E12" },
  { "/rules/E12/two-decimals", { "spam_flag_score", "5.55" }, "spam_flag_score:E12" },
  { "/rules/E12/comma", { "spam_flag_score", "5,5" }, "spam_flag_score:E12" },
  { "/rules/E12/negative", { "spam_flag_score", "-1" }, "spam_flag_score:E12" },
  { "/rules/E12/over-100", { "spam_reject_score", "100.1" }, "spam_reject_score:E12" },
  { "/rules/E12/exponent", { "spam_reject_score", "1e2" }, "spam_reject_score:E12" },
  { "/rules/E12/trailing-dot", { "spam_reject_score", "12." }, "spam_reject_score:E12" },
  { "/rules/E12/empty", { "spam_reject_score", "" }, "spam_reject_score:E12" },
  { "/rules/E12/reject-equal-flag", { "spam_flag_score", "8", "spam_reject_score", "8.0" }, "spam_reject_score:E12" },
  { "/rules/E12/reject-below-flag", { "spam_flag_score", "8", "spam_reject_score", "7.9" }, "spam_reject_score:E12" },
  { "/rules/E12/antispam-off", { "antispam", "false", "spam_flag_score", "x" }, "" },
  { "/rules/E12/no-mail-server", { "module", "amon", "spam_flag_score", "x" }, "" },
  { "/rules/E7/port-1", { "relay_tls", "custom", "relay_port", "1" }, "" },
  { "/rules/E7/port-2525", { "relay_tls", "custom", "relay_port", "2525" }, "" },
  { "/rules/E7/port-65535", { "relay_tls", "custom", "relay_port", "65535" }, "" },
  { "/rules/E7/port-0", { "relay_tls", "custom", "relay_port", "0" }, "relay_port:E7" },
  { "/rules/E7/port-65536", { "relay_tls", "custom", "relay_port", "65536" }, "relay_port:E7" },
  { "/rules/E7/empty", { "relay_tls", "custom", "relay_port", "" }, "relay_port:E7" },
  { "/rules/E7/negative", { "relay_tls", "custom", "relay_port", "-25" }, "relay_port:E7" },
  { "/rules/E7/word", { "relay_tls", "custom", "relay_port", "smtp" }, "relay_port:E7" },
  { "/rules/E7/trailing-letter", { "relay_tls", "custom", "relay_port", "25a" }, "relay_port:E7" },
  { "/rules/E7/implicit-tls", { "relay_tls", "custom", "relay_port", "",
    "relay_custom_implicit_tls", "true" }, "relay_port:E7" },
  { "/rules/E7/not-custom", { "relay_tls", "port-465", "relay_port", "0" }, "" },
  { "/rules/E7/relay-off", { "relay_enabled", "false", "relay_tls", "custom", "relay_port", "0" }, "" },

  /* E8 */
  { "/rules/E8/login", { "relay_user", "scribe" }, "" },
  { "/rules/E8/address-as-login", { "relay_user", "admin@monetab.ac-aca.fr" }, "" },
  { "/rules/E8/accented", { "relay_user", "élève" }, "" },
  { "/rules/E8/empty", { "relay_user", "" }, "relay_user:E8" },
  { "/rules/E8/colon", { "relay_user", "scribe:admin" }, "relay_user:E8" },
  { "/rules/E8/auth-off", { "relay_auth", "false", "relay_user", "a:b" }, "" },
  { "/rules/E8/relay-off", { "relay_enabled", "false", "relay_user", "" }, "" },

  /* E9 */
  { "/rules/E9/password", { NULL }, "", .password = "correct horse battery staple" },
  { "/rules/E9/colon", { NULL }, "", .password = "pass:word" },
  { "/rules/E9/accented", { NULL }, "", .password = "élève-2024" },
  { "/rules/E9/none-given", { NULL }, "", .clear_password = TRUE },
  { "/rules/E9/empty", { NULL }, "password:E9", .password = "" },
  { "/rules/E9/auth-off", { "relay_auth", "false" }, "", .password = "" },
  { "/rules/E9/relay-off", { "relay_enabled", "false" }, "", .password = "a\nb" },

  /* E11: a control character in a value no other rule judges, which the
   * settings file would still carry: [general], and the hidden rows. */
  { "/rules/E11/machine-name-escape", { "machine_name", "ok\x1b[2J" }, "machine_name:E11" },
  { "/rules/E11/machine-name-delete", { "machine_name", "ok\x7f" }, "machine_name:E11" },
  { "/rules/E11/dns-domain-line-separator", { "dns_domain", "monetab\xe2\x80\xa8.lan" },
    "dns_domain:E11" },
  { "/rules/E11/containers-c1", { "containers", "scribe;web\xc2\x9b;" }, "containers:E11" },
  { "/rules/E11/module-newline", { "module", "scribe\n" }, "module:E11" },
  { "/rules/E11/webmail-tab", { "webmail", "none\t" }, "webmail:E11" },
  { "/rules/E11/apache-upload-escape", { "apache_upload_max_mb", "20\x1b" },
    "apache_upload_max_mb:E11" },
  { "/rules/E11/hidden-relay-user", { "relay_auth", "false", "relay_user", "x\x1b[2J" },
    "relay_user:E11" },
  { "/rules/E11/hidden-relay-host", { "relay_enabled", "false", "relay_host", "smtp\nX" },
    "relay_host:E11" },
  { "/rules/E11/hidden-port", { "relay_port", "25\x7f" }, "relay_port:E11" },
  { "/rules/E11/own-rule-first", { "root_sender_name", "a\x1b" }, "root_sender_name:E4" },
  { "/rules/E11/printable-general", { "machine_name", "ok", "dns_domain", "mon-etab.lan" }, "" },

  /* E10: the enumerations; the booleans are in boolean_keys below. */
  { "/rules/E10/mail-server-none", { "mail_server", "none" }, "" },
  { "/rules/E10/mail-server-pop", { "mail_server", "pop" }, "" },
  { "/rules/E10/mail-server-imap", { "mail_server", "imap" }, "" },
  { "/rules/E10/mail-server-pop-imap", { "mail_server", "pop-imap" }, "" },
  { "/rules/E10/mail-server-upper-case", { "mail_server", "IMAP" }, "mail_server:E10" },
  { "/rules/E10/mail-server-unknown", { "mail_server", "pop3" }, "mail_server:E10" },
  { "/rules/E10/mail-server-empty", { "mail_server", "" }, "mail_server:E10" },
  { "/rules/E10/mail-server-on-module-other", { "module", "other", "mail_server", "yes" },
    "mail_server:E10" },
  { "/rules/E10/relay-tls-no", { "relay_tls", "no", "relay_auth", "false" }, "" },
  { "/rules/E10/relay-tls-port-25", { "relay_tls", "port-25" }, "" },
  { "/rules/E10/relay-tls-port-465", { "relay_tls", "port-465" }, "" },
  { "/rules/E10/relay-tls-port-587", { "relay_tls", "port-587" }, "" },
  { "/rules/E10/relay-tls-custom", { "relay_tls", "custom", "relay_port", "2525" }, "" },
  { "/rules/E10/relay-tls-unknown", { "relay_tls", "starttls" }, "relay_tls:E10" },
  { "/rules/E10/relay-tls-port-2525", { "relay_tls", "port-2525" }, "relay_tls:E10" },
  { "/rules/E10/relay-tls-newline", { "relay_tls", "no\nport-25" }, "relay_tls:E10" },
  { "/rules/E10/relay-tls-relay-off", { "relay_enabled", "false", "relay_tls", "yes" },
    "relay_tls:E10" },
  { "/rules/E10/relay-auth-relay-off", { "relay_enabled", "false", "relay_auth", "oui" },
    "relay_auth:E10" },
  /* An invalid switch counts as off: the rules that hang on it stay quiet. */
  { "/rules/E10/relay-enabled-invalid", { "relay_enabled", "1", "relay_host", "" },
    "relay_enabled:E10" },
  { "/rules/E10/relay-auth-invalid", { "relay_auth", "yes", "relay_user", "" },
    "relay_auth:E10" },
  { "/rules/E10/several", { "antispam", "on", "mailing_lists", "off", "relay_tls", "tls" },
    "antispam:E10 mailing_lists:E10 relay_tls:E10" },

  /* W1 */
  { "/rules/W1/above-upload-limit", { "max_message_size_mb", "21", "mailbox_quota_mb", "0" },
    "max_message_size_mb:W1" },
  { "/rules/W1/at-upload-limit", { "max_message_size_mb", "20", "mailbox_quota_mb", "0" }, "" },
  { "/rules/W1/no-webmail",
    { "webmail", "none", "max_message_size_mb", "100", "mailbox_quota_mb", "0" }, "" },
  { "/rules/W1/upload-limit-unknown",
    { "apache_upload_max_mb", "", "max_message_size_mb", "100", "mailbox_quota_mb", "0" }, "" },
  { "/rules/W1/upload-limit-invalid",
    { "apache_upload_max_mb", "20M", "max_message_size_mb", "100", "mailbox_quota_mb", "0" }, "" },
  { "/rules/W1/silent-on-error",
    { "max_message_size_mb", "4096", "mailbox_quota_mb", "0" }, "max_message_size_mb:E5" },

  /* W2 */
  { "/rules/W2/auth-without-tls", { "relay_tls", "no" }, "relay_tls:W2" },
  { "/rules/W2/auth-with-port-25", { "relay_tls", "port-25" }, "" },
  { "/rules/W2/auth-with-custom", { "relay_tls", "custom", "relay_port", "2525" }, "" },
  { "/rules/W2/no-auth", { "relay_tls", "no", "relay_auth", "false" }, "" },
  { "/rules/W2/relay-off", { "relay_enabled", "false", "relay_tls", "no" }, "" },

  /* W3 */
  { "/rules/W3/other-domain", { "relay_host", "smtp.other.fr" }, "root_sender:W3" },
  { "/rules/W3/same-registrable-domain", { "relay_host", "mail.monetab.ac-aca.fr" }, "" },
  { "/rules/W3/upper-case", { "relay_host", "SMTP.AC-ACA.FR",
    "root_sender", "Admin@Monetab.Ac-Aca.Fr" }, "" },
  { "/rules/W3/public-suffix-of-two-labels",
    { "root_sender", "admin@school.co.uk", "relay_host", "smtp.other.co.uk" }, "root_sender:W3" },
  { "/rules/W3/same-domain-under-two-label-suffix",
    { "root_sender", "admin@mail.school.co.uk", "relay_host", "smtp.school.co.uk" }, "" },
  { "/rules/W3/gateway-ipv4", { "relay_host", "192.0.2.25", "root_sender", "admin@other.fr" }, "" },
  { "/rules/W3/gateway-ipv6", { "relay_host", "2001:db8::25", "root_sender", "admin@other.fr" }, "" },
  { "/rules/W3/gateway-single-label", { "relay_host", "mailhub", "root_sender", "admin@other.fr" }, "" },
  { "/rules/W3/sender-address-literal", { "root_sender", "admin@[192.0.2.1]" }, "" },
  { "/rules/W3/relay-off", { "relay_enabled", "false", "relay_host", "smtp.other.fr" }, "" },
  { "/rules/W3/silent-on-sender-error", { "relay_host", "smtp.other.fr", "root_sender", "admin" },
    "root_sender:E3" },
  { "/rules/W3/silent-on-gateway-error", { "relay_host", "smtp.other.fr:25" }, "relay_host:E6" },

  /* W4 */
  { "/rules/W4/custom-25", { "relay_tls", "custom", "relay_port", "25" }, "relay_port:W4" },
  { "/rules/W4/custom-465", { "relay_tls", "custom", "relay_port", "465" }, "relay_port:W4" },
  { "/rules/W4/custom-587", { "relay_tls", "custom", "relay_port", "587" }, "relay_port:W4" },
  { "/rules/W4/custom-2525", { "relay_tls", "custom", "relay_port", "2525" }, "" },
  { "/rules/W4/not-custom", { "relay_tls", "port-587", "relay_port", "587" }, "" },
  { "/rules/W4/relay-off", { "relay_enabled", "false", "relay_tls", "custom", "relay_port", "25" }, "" },

  /* W5 */
  { "/rules/W5/quota-below-size", { "mailbox_quota_mb", "5" }, "mailbox_quota_mb:W5" },
  { "/rules/W5/quota-equal-to-size", { "mailbox_quota_mb", "10" }, "" },
  { "/rules/W5/no-quota", { "mailbox_quota_mb", "0" }, "" },
  { "/rules/W5/module-other", { "module", "other", "mailbox_quota_mb", "5" }, "" },
  { "/rules/W5/silent-on-quota-error", { "mailbox_quota_mb", "5 MB" }, "mailbox_quota_mb:E5" },
  { "/rules/W5/silent-on-size-error", { "mailbox_quota_mb", "5", "max_message_size_mb", "0" },
    "max_message_size_mb:E5" },
  { "/rules/W5/with-W1", { "max_message_size_mb", "30" },
    "max_message_size_mb:W1 mailbox_quota_mb:W5" },
};

/* Every string value that reaches a configuration file, with a valid value
 * to inject into and the settings that put it in use. */
static const struct {
  const char *key;
  const char *before;
  const char *after;
  const char *rule;
  const char *set[3];
} injection_targets[] = {
  { "mail_domain", "monetab", ".ac-aca.fr", "E1" },
  { "root_sender", "admin", "@monetab.ac-aca.fr", "E3" },
  { "root_sender_name", "Serveur", " Scribe", "E4" },
  { "root_recipient", "admin@monetab.ac-aca.fr", "", "E3" },
  { "max_message_size_mb", "10", "", "E5" },
  { "mailbox_quota_mb", "2", "0", "E5" },
  { "spam_flag_score", "5", ".0", "E12" },
  { "spam_reject_score", "12", ".0", "E12" },
  { "relay_host", "smtp", ".ac-aca.fr", "E6" },
  { "relay_port", "25", "25", "E7", { "relay_tls", "custom" } },
  { "relay_user", "scri", "be", "E8" },
  { "password", "s3c", "ret", "E9" },
};

static const struct {
  const char *name;
  const char *text;
} injections[] = {
  { "newline", "\n" },
  { "carriage-return", "\r" },
  { "tab", "\t" },
  { "soh", "\x01" },
  { "escape", "\x1b" },
  { "delete", "\x7f" },
  { "next-line", "\xc2\x85" },
  { "line-separator", "\xe2\x80\xa8" },
  { "exim-line", "\nMESSAGE_SIZE_LIMIT = 1G\n" },
};

static const char *const boolean_keys[] = {
  "antispam", "mailing_lists", "rewrite_headers", "relay_enabled",
  "relay_custom_implicit_tls", "relay_tls_verify", "relay_auth",
};

static const char *const invalid_booleans[] = { "yes", "True", "", "1", "true " };

typedef struct {
  char       *path;
  char       *set[5];
  char       *expected;
  char       *password;
} GeneratedCase;

/* The cases built in main(), for the test of the translations. */
static GPtrArray *generated_cases;

/* Expands "{N*s}" into N copies of s. */
static char *
expand (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;

  while (*p != '\0')
    {
      if (p[0] == '{' && g_ascii_isdigit (p[1]))
        {
          char *end;
          guint64 n = g_ascii_strtoull (p + 1, &end, 10);
          const char *close = strchr (end, '}');

          if (*end == '*' && close != NULL)
            {
              for (guint64 i = 0; i < n; i++)
                g_string_append_len (out, end + 1, close - end - 1);
              p = close + 1;
              continue;
            }
        }
      g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

static MessagerieSettings *
new_base (Base base)
{
  g_autoptr(GError) error = NULL;
  MessagerieSettings *settings;

  switch (base)
    {
    case BASE_EMPTY:
      settings = messagerie_settings_new ();
      messagerie_settings_set_system (settings, "scribe", "scribe.monetab.lan");
      return settings;
    case BASE_EMPTY_NO_DOMAIN:
      settings = messagerie_settings_new ();
      messagerie_settings_set_system (settings, "scribe", NULL);
      return settings;
    case BASE_SCRIBE:
    default:
      settings = messagerie_settings_new_from_data (scribe_settings, strlen (scribe_settings), &error);
      g_assert_no_error (error);
      messagerie_settings_set_password (settings, scribe_password);
      return settings;
    }
}

static void
apply_set (MessagerieSettings *settings,
           const char *const  *set)
{
  for (guint i = 0; set[i] != NULL; i += 2)
    {
      g_autofree char *value = NULL;

      g_assert_nonnull (set[i + 1]);
      value = expand (set[i + 1]);
      if (g_str_equal (set[i], "password"))
        messagerie_settings_set_password (settings, value);
      else
        messagerie_settings_set (settings, set[i], value);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The findings as a sorted "key:rule key:rule" string, after checking what
 * every finding must be whatever the case. */
static char *
findings_to_string (GPtrArray *findings)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) keys_in_error = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean have_error = FALSE;

  g_assert_nonnull (findings);

  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);
      MessagerieSeverity expected_severity;

      g_assert_nonnull (finding->key);
      g_assert_nonnull (finding->rule);
      expected_severity = finding->rule[0] == 'E' ? MESSAGERIE_SEVERITY_ERROR
                                                  : MESSAGERIE_SEVERITY_WARNING;
      g_assert_true (finding->rule[0] == 'E' || finding->rule[0] == 'W');
      g_assert_cmpint (finding->severity, ==, expected_severity);

      /* The helper prints one finding per line, fields split by tabs. */
      g_assert_nonnull (finding->message);
      g_assert_cmpstr (finding->message, !=, "");
      g_assert_null (strpbrk (finding->message, "\n\r\t"));
      g_assert_true (g_utf8_validate (finding->message, -1, NULL));

      /* One message per row: at most one error per key, and a warning
       * only on a key without one. */
      if (finding->severity == MESSAGERIE_SEVERITY_ERROR)
        {
          g_assert_false (g_hash_table_contains (keys_in_error, finding->key));
          g_hash_table_add (keys_in_error, finding->key);
          have_error = TRUE;
        }

      g_ptr_array_add (pairs, g_strdup_printf ("%s:%s", finding->key, finding->rule));
    }

  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == MESSAGERIE_SEVERITY_WARNING)
        g_assert_false (g_hash_table_contains (keys_in_error, finding->key));
    }

  g_assert_cmpint (messagerie_findings_have_error (findings), ==, have_error);

  g_ptr_array_sort (pairs, compare_strings);
  g_ptr_array_add (pairs, NULL);
  return g_strjoinv (" ", (char **) pairs->pdata);
}

static char *
sort_expected (const char *expected)
{
  g_auto(GStrv) pairs = g_strsplit (expected, " ", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; pairs[i] != NULL; i++)
    if (*pairs[i] != '\0')
      g_ptr_array_add (kept, pairs[i]);
  g_ptr_array_sort (kept, compare_strings);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

static void
check_findings (MessagerieSettings *settings,
                const char         *expected)
{
  g_autoptr(GPtrArray) findings = messagerie_validate (settings);
  g_autofree char *found = findings_to_string (findings);
  g_autofree char *wanted = sort_expected (expected);

  g_assert_cmpstr (found, ==, wanted);
}

static void
test_rule_case (gconstpointer data)
{
  const RuleCase *rule_case = data;
  g_autoptr(MessagerieSettings) settings = new_base (rule_case->base);

  apply_set (settings, rule_case->set);
  if (rule_case->clear_password)
    messagerie_settings_set_password (settings, NULL);
  else if (rule_case->password != NULL)
    messagerie_settings_set_password (settings, rule_case->password);

  check_findings (settings, rule_case->expected);
}

static void
test_generated_case (gconstpointer data)
{
  const GeneratedCase *generated = data;
  g_autoptr(MessagerieSettings) settings = new_base (BASE_SCRIBE);

  apply_set (settings, (const char *const *) generated->set);
  if (generated->password != NULL)
    messagerie_settings_set_password (settings, generated->password);

  check_findings (settings, generated->expected);
}

static void
generated_case_free (gpointer data)
{
  GeneratedCase *generated = data;

  g_free (generated->path);
  for (guint i = 0; generated->set[i] != NULL; i++)
    g_free (generated->set[i]);
  g_free (generated->expected);
  g_free (generated->password);
  g_free (generated);
}

static void
add_generated_case (GPtrArray  *cases,
                    char       *path,
                    const char *key,
                    const char *value,
                    const char *extra_key,
                    const char *extra_value,
                    char       *expected)
{
  GeneratedCase *generated = g_new0 (GeneratedCase, 1);
  guint n = 0;

  generated->path = path;
  generated->expected = expected;
  if (g_str_equal (key, "password"))
    generated->password = g_strdup (value);
  else
    {
      generated->set[n++] = g_strdup (key);
      generated->set[n++] = g_strdup (value);
    }
  if (extra_key != NULL)
    {
      generated->set[n++] = g_strdup (extra_key);
      generated->set[n++] = g_strdup (extra_value);
    }

  g_ptr_array_add (cases, generated);
  g_test_add_data_func (generated->path, generated, test_generated_case);
}

/* No control character reaches a value written to a configuration file:
 * one case per key and per character, each an error on its key. */
static void
add_injection_cases (GPtrArray *cases)
{
  for (guint i = 0; i < G_N_ELEMENTS (injection_targets); i++)
    for (guint j = 0; j < G_N_ELEMENTS (injections); j++)
      {
        g_autofree char *value = g_strconcat (injection_targets[i].before,
                                              injections[j].text,
                                              injection_targets[i].after, NULL);

        add_generated_case (cases,
                            g_strdup_printf ("/rules/%s/injected-%s/%s",
                                             injection_targets[i].rule,
                                             injections[j].name,
                                             injection_targets[i].key),
                            injection_targets[i].key, value,
                            injection_targets[i].set[0], injection_targets[i].set[1],
                            g_strdup_printf ("%s:%s", injection_targets[i].key,
                                             injection_targets[i].rule));
      }
}

/* E10 holds for every switch, in use or not. */
static void
add_boolean_cases (GPtrArray *cases)
{
  for (guint i = 0; i < G_N_ELEMENTS (boolean_keys); i++)
    {
      add_generated_case (cases, g_strdup_printf ("/rules/E10/%s-true", boolean_keys[i]),
                          boolean_keys[i], "true", NULL, NULL, g_strdup (""));
      add_generated_case (cases, g_strdup_printf ("/rules/E10/%s-false", boolean_keys[i]),
                          boolean_keys[i], "false", NULL, NULL, g_strdup (""));

      for (guint j = 0; j < G_N_ELEMENTS (invalid_booleans); j++)
        add_generated_case (cases,
                            g_strdup_printf ("/rules/E10/%s-invalid-%u", boolean_keys[i], j + 1),
                            boolean_keys[i], invalid_booleans[j], NULL, NULL,
                            g_strdup_printf ("%s:E10", boolean_keys[i]));
    }
}

static void
test_findings_order (void)
{
  g_autoptr(MessagerieSettings) settings = new_base (BASE_SCRIBE);
  g_autoptr(GPtrArray) findings = NULL;
  const char *expected[] = { "mail_domain", "root_recipient", "relay_host", "relay_user", "password" };

  messagerie_settings_set (settings, "relay_user", "");
  messagerie_settings_set (settings, "relay_host", "");
  messagerie_settings_set (settings, "root_recipient", "");
  messagerie_settings_set (settings, "mail_domain", "");
  messagerie_settings_set_password (settings, "");

  /* In the order of the keys, the password last, whatever the order of
   * the changes. */
  findings = messagerie_validate (settings);
  g_assert_cmpuint (findings->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      g_assert_cmpstr (finding->key, ==, expected[i]);
    }
}

/* The rule of relay_host for @host, "" when none fires. */
static char *
relay_host_rule (const char *host)
{
  g_autoptr(MessagerieSettings) settings = new_base (BASE_SCRIBE);
  g_autoptr(GPtrArray) findings = NULL;

  messagerie_settings_set (settings, "relay_host", host);
  findings = messagerie_validate (settings);
  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      if (g_str_equal (finding->key, "relay_host"))
        return g_strdup (finding->rule);
    }
  return g_strdup ("");
}

/* exim refuses a gateway on one of this machine's own addresses, or named
 * as this machine, as "the local host": every address of every interface,
 * and the system's host name, whatever [general] says. */
static void
test_relay_host_is_this_machine (void)
{
  struct ifaddrs *list = NULL;
  const char *system = g_get_host_name ();
  g_autofree char *system_short = g_strndup (system, strcspn (system, "."));
  guint n_addresses = 0;

  g_assert_cmpint (getifaddrs (&list), ==, 0);
  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      char text[INET6_ADDRSTRLEN];
      g_autofree char *rule = NULL;

      if (i->ifa_addr == NULL)
        continue;
      if (i->ifa_addr->sa_family == AF_INET)
        inet_ntop (AF_INET, &((struct sockaddr_in *) i->ifa_addr)->sin_addr, text, sizeof text);
      else if (i->ifa_addr->sa_family == AF_INET6 &&
               !IN6_IS_ADDR_LINKLOCAL (&((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr))
        inet_ntop (AF_INET6, &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr, text, sizeof text);
      else
        continue;
      rule = relay_host_rule (text);
      g_test_message ("%s (%s): \"%s\"", text, i->ifa_name, rule);
      g_assert_cmpstr (rule, ==, "E6");
      n_addresses++;
    }
  freeifaddrs (list);
  /* The loopback interface at least. */
  g_assert_cmpuint (n_addresses, >=, 1);

  {
    g_autofree char *full = relay_host_rule (system);
    g_autofree char *short_name = relay_host_rule (system_short);

    g_assert_cmpstr (full, ==, "E6");
    g_assert_cmpstr (short_name, ==, "E6");
  }
}

static void
test_have_error (void)
{
  g_autoptr(MessagerieSettings) settings = new_base (BASE_SCRIBE);
  g_autoptr(GPtrArray) none = messagerie_validate (settings);
  g_autoptr(GPtrArray) warning = NULL;
  g_autoptr(GPtrArray) error = NULL;

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_false (messagerie_findings_have_error (none));

  messagerie_settings_set (settings, "relay_tls", "no");
  warning = messagerie_validate (settings);
  g_assert_cmpuint (warning->len, ==, 1);
  g_assert_false (messagerie_findings_have_error (warning));

  messagerie_settings_set (settings, "relay_host", "");
  error = messagerie_validate (settings);
  g_assert_true (messagerie_findings_have_error (error));
}

static void
test_severity_to_string (void)
{
  g_assert_cmpstr (messagerie_severity_to_string (MESSAGERIE_SEVERITY_ERROR), ==, "error");
  g_assert_cmpstr (messagerie_severity_to_string (MESSAGERIE_SEVERITY_WARNING), ==, "warning");
}

static void
test_finding_free (void)
{
  g_autoptr(MessagerieFinding) finding =
    messagerie_finding_new ("mail_domain", "E1", MESSAGERIE_SEVERITY_ERROR, "message");

  g_assert_cmpstr (finding->key, ==, "mail_domain");
  g_assert_cmpstr (finding->rule, ==, "E1");
  g_assert_cmpint (finding->severity, ==, MESSAGERIE_SEVERITY_ERROR);
  g_assert_cmpstr (finding->message, ==, "message");
  messagerie_finding_free (NULL);
}

/* A copy owns strings of its own, equal to the original's; as a boxed
 * type it goes through GValue the same way. */
static void
test_finding_copy (void)
{
  g_autoptr(MessagerieFinding) finding =
    messagerie_finding_new ("relay_tls", "W2", MESSAGERIE_SEVERITY_WARNING, "clear text");
  g_autoptr(MessagerieFinding) copy = messagerie_finding_copy (finding);
  g_auto(GValue) value = G_VALUE_INIT;
  MessagerieFinding *boxed;

  g_assert_true (copy != finding);
  g_assert_true (copy->key != finding->key);
  g_assert_true (copy->message != finding->message);
  g_assert_cmpstr (copy->key, ==, "relay_tls");
  g_assert_cmpstr (copy->rule, ==, "W2");
  g_assert_cmpint (copy->severity, ==, MESSAGERIE_SEVERITY_WARNING);
  g_assert_cmpstr (copy->message, ==, "clear text");

  g_value_init (&value, MESSAGERIE_TYPE_FINDING);
  g_value_set_boxed (&value, finding);
  boxed = g_value_dup_boxed (&value);
  g_assert_true (boxed != finding);
  g_assert_cmpstr (boxed->rule, ==, "W2");
  messagerie_finding_free (boxed);
}

static void
test_is_valid_domain (void)
{
  static const struct {
    const char *domain;
    gboolean    valid;
  } cases[] = {
    { "monetab.ac-aca.fr", TRUE },
    { "MONETAB.FR", TRUE },
    { "xn--lyce-dpa.fr", TRUE },
    { "{63*a}.fr", TRUE },
    { "{63*a}.{63*b}.{63*c}.{61*d}", TRUE },
    { "{63*a}.{63*b}.{63*c}.{62*d}", FALSE },
    { "{64*a}.fr", FALSE },
    { "monetab", FALSE },
    { "", FALSE },
    { "monetab.fr.", FALSE },
    { "-a.fr", FALSE },
    { "a.123", FALSE },
    { "lycée.fr", FALSE },
    { "a b.fr", FALSE },
    { "a.fr\n", FALSE },
    { "[192.0.2.1]", FALSE },
  };

  g_assert_false (messagerie_is_valid_domain (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *domain = expand (cases[i].domain);

      g_test_message ("%s", cases[i].domain);
      g_assert_cmpint (messagerie_is_valid_domain (domain), ==, cases[i].valid);
    }
}

static void
test_is_valid_address (void)
{
  static const struct {
    const char *address;
    gboolean    valid;
  } cases[] = {
    { "admin@monetab.ac-aca.fr", TRUE },
    { "\"a b\"@x.fr", TRUE },
    { "\"a\\\\b\"@x.fr", TRUE },
    { "\"\"@x.fr", TRUE },
    { "a@[192.0.2.1]", TRUE },
    { "a@[IPv6:2001:db8::1]", TRUE },
    { "a@[ipv6:::1]", TRUE },
    { "{64*a}@x.fr", TRUE },
    { "{65*a}@x.fr", FALSE },
    { "\"a b@x.fr", FALSE },
    { "\"a\\\"@x.fr", FALSE },
    { "\"a\"b@x.fr", FALSE },
    { "a@[IPv6:192.0.2.1]", FALSE },
    { "a@[tag:text]", FALSE },
    { "a@[]", FALSE },
    { "a@[192.0.2.1]x", FALSE },
    { "a@x.fr>", FALSE },
    { "A <a@x.fr>", FALSE },
    { "a@x.fr,b@x.fr", FALSE },
    { "a@x", FALSE },
    { "a@", FALSE },
    { "@x.fr", FALSE },
    { "", FALSE },
    { "a@x.fr\n", FALSE },
  };

  g_assert_false (messagerie_is_valid_address (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *address = expand (cases[i].address);

      g_test_message ("%s", cases[i].address);
      g_assert_cmpint (messagerie_is_valid_address (address), ==, cases[i].valid);
    }
}

static void
test_is_ip_address (void)
{
  static const struct {
    const char *text;
    gboolean    ip;
  } cases[] = {
    { "192.0.2.1", TRUE },
    { "0.0.0.0", TRUE },
    { "255.255.255.255", TRUE },
    { "2001:db8::1", TRUE },
    { "::", TRUE },
    { "::ffff:192.0.2.1", TRUE },
    { "2001:DB8::A", TRUE },
    { "256.0.0.1", FALSE },
    { "192.0.2", FALSE },
    { "192.0.2.1.5", FALSE },
    { "192.0.2.01", FALSE },
    { "0x7f.0.0.1", FALSE },
    { " 192.0.2.1", FALSE },
    { "192.0.2.1 ", FALSE },
    { "[2001:db8::1]", FALSE },
    { "fe80::1%eth0", FALSE },
    { "fe80::1%1", FALSE },
    { "2001:db8:::1", FALSE },
    { "smtp.ac-aca.fr", FALSE },
    { "", FALSE },
  };

  g_assert_false (messagerie_is_ip_address (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (messagerie_is_ip_address (cases[i].text), ==, cases[i].ip);
    }
}

static void
add_messages (GHashTable         *messages,
              const char         *path,
              MessagerieSettings *settings)
{
  g_autoptr(GPtrArray) findings = messagerie_validate (settings);

  for (guint i = 0; i < findings->len; i++)
    {
      MessagerieFinding *finding = g_ptr_array_index (findings, i);

      g_hash_table_insert (messages,
                           g_strdup_printf ("%s %s:%s", path, finding->key, finding->rule),
                           g_strdup (finding->message));
    }
}

static void
collect_messages (GHashTable *messages)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    {
      g_autoptr(MessagerieSettings) settings = new_base (rule_cases[i].base);

      apply_set (settings, rule_cases[i].set);
      if (rule_cases[i].password != NULL)
        messagerie_settings_set_password (settings, rule_cases[i].password);
      add_messages (messages, rule_cases[i].path, settings);
    }

  for (guint i = 0; i < generated_cases->len; i++)
    {
      const GeneratedCase *generated = g_ptr_array_index (generated_cases, i);
      g_autoptr(MessagerieSettings) settings = new_base (BASE_SCRIBE);

      apply_set (settings, (const char *const *) generated->set);
      if (generated->password != NULL)
        messagerie_settings_set_password (settings, generated->password);
      add_messages (messages, generated->path, settings);
    }
}

/* Every message the cases produce is translated into French, with the
 * catalogue built from po/fr.po. */
static void
test_messages_translated (void)
{
  const char *localedir = g_getenv ("MESSAGERIE_BUILD_LOCALEDIR");
  g_autofree char *catalogue = NULL;
  g_autoptr(GHashTable) english = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) french = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *saved_locale = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *saved_language = g_strdup (g_getenv ("LANGUAGE"));
  GHashTableIter iter;
  gpointer key, value;

  /* meson test always sets it and builds the catalogue first: only a run
   * by hand may lack them. */
  if (localedir == NULL)
    {
      g_test_skip ("MESSAGERIE_BUILD_LOCALEDIR is not set: run through meson test");
      return;
    }
  catalogue = g_build_filename (localedir, "fr", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (catalogue, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("the French catalogue %s is not built", catalogue);
      return;
    }

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* gettext never translates in the C locale, whatever LANGUAGE says. */
  setlocale (LC_ALL, "C");
  collect_messages (english);

  /* Debian's libc-bin always has it. */
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      setlocale (LC_ALL, saved_locale);
      g_test_fail_printf ("no C.UTF-8 locale");
      return;
    }
  g_setenv ("LANGUAGE", "fr", TRUE);
  collect_messages (french);

  if (saved_language != NULL)
    g_setenv ("LANGUAGE", saved_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved_locale);

  g_assert_cmpuint (g_hash_table_size (english), ==, g_hash_table_size (french));
  g_hash_table_iter_init (&iter, english);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *translated = g_hash_table_lookup (french, key);

      g_test_message ("%s: %s", (const char *) key, translated);
      g_assert_nonnull (translated);
      g_assert_cmpstr (translated, !=, value);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) generated = g_ptr_array_new_with_free_func (generated_case_free);
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    g_test_add_data_func (rule_cases[i].path, &rule_cases[i], test_rule_case);
  add_injection_cases (generated);
  add_boolean_cases (generated);

  g_test_add_func ("/rules/E6/local/this-machine", test_relay_host_is_this_machine);
  g_test_add_func ("/rules/api/findings-order", test_findings_order);
  g_test_add_func ("/rules/api/have-error", test_have_error);
  g_test_add_func ("/rules/api/severity-to-string", test_severity_to_string);
  g_test_add_func ("/rules/api/finding-free", test_finding_free);
  g_test_add_func ("/rules/api/finding-copy", test_finding_copy);
  g_test_add_func ("/rules/api/is-valid-domain", test_is_valid_domain);
  g_test_add_func ("/rules/api/is-valid-address", test_is_valid_address);
  g_test_add_func ("/rules/api/is-ip-address", test_is_ip_address);
  g_test_add_func ("/rules/messages/translated", test_messages_translated);

  generated_cases = generated;
  status = g_test_run ();
  generated_cases = NULL;

  return status;
}
