/* IP blocklists read line by line in their maintainers' formats. */
#include <criterion/criterion.h>
#include <string.h>

#include "collector/blocklist.h"

static int
line(struct blocklist_reader *rd, const char *text, char *net, char *ref, char *err)
{
	return (blocklist_line(rd, text, strlen(text), net, ref, err, 200));
}

Test(blocklist, plain_and_drop_lines)
{
	struct blocklist_reader rd = {0};
	char net[BLOCKLIST_NET_MAX], ref[BLOCKLIST_REF_MAX], err[200];

	cr_expect_eq(line(&rd, "192.0.2.7", net, ref, err), 1);
	cr_expect_str_eq(net, "192.0.2.7/32");
	cr_expect_str_eq(ref, "");
	cr_expect_eq(line(&rd, "192.0.2.130/25 ; SBL000001", net, ref, err), 1);
	cr_expect_str_eq(net, "192.0.2.128/25", "host bits are cleared");
	cr_expect_str_eq(ref, "SBL000001");
	cr_expect_eq(line(&rd, "2001:DB8:1::5/48 # note", net, ref, err), 1);
	cr_expect_str_eq(net, "2001:db8:1::/48");
	cr_expect_str_eq(ref, "note");
	cr_expect_eq(line(&rd, "  \t", net, ref, err), 0);
	cr_expect_eq(line(&rd, "; a DROP comment", net, ref, err), 0);
	cr_expect_eq(line(&rd, "# a comment", net, ref, err), 0);
	cr_expect_eq(line(&rd, "192.0.2.0/33", net, ref, err), -1);
	cr_expect(strstr(err, "192.0.2.0/33") != NULL, "%s", err);
	cr_expect_eq(line(&rd, "192.0.2.300", net, ref, err), -1);
	cr_expect_eq(line(&rd, "example.com", net, ref, err), -1);
	cr_expect_eq(line(&rd, "192.0.2.1/", net, ref, err), -1);
}

Test(blocklist, abuse_ch_csv)
{
	struct blocklist_reader rd = {0};
	char net[BLOCKLIST_NET_MAX], ref[BLOCKLIST_REF_MAX], err[200];

	cr_expect_eq(line(&rd, "\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\","
	    "\"last_online\",\"malware\"", net, ref, err), 0, "the header row is skipped");
	cr_expect_eq(line(&rd, "\"2026-11-20 10:00:00\",\"192.0.2.7\",\"443\",\"online\","
	    "\"2026-12-01\",\"QakBot\"\r", net, ref, err), 1);
	cr_expect_str_eq(net, "192.0.2.7/32");
	cr_expect_str_eq(ref, "QakBot", "the last field that is not an address");
	cr_expect_eq(line(&rd, "2026-11-21,198.51.100.20,8080,offline,2026-11-25,Emotet", net,
	    ref, err), 1, "unquoted fields");
	cr_expect_str_eq(ref, "Emotet");
	cr_expect_eq(line(&rd, "2026-11-22,no address here,1", net, ref, err), -1,
	    "after a data row, a row without an address is an error");
}

Test(blocklist, bad_text_and_long_lines)
{
	struct blocklist_reader rd = {0};
	char net[BLOCKLIST_NET_MAX], ref[BLOCKLIST_REF_MAX], err[200];
	static char big[BLOCKLIST_LINE_MAX + 2];

	memset(big, '1', sizeof(big) - 1);
	cr_expect_eq(blocklist_line(&rd, big, sizeof(big) - 1, net, ref, err, sizeof(err)), -1);
	cr_expect(strstr(err, "longer") != NULL, "%s", err);
	cr_expect_eq(blocklist_line(&rd, "192.0.2.1\0x", 11, net, ref, err, sizeof(err)), -1);
	cr_expect_eq(line(&rd, "192.0.2.1 ; \xff\xfe", net, ref, err), -1, "not UTF-8");
}
