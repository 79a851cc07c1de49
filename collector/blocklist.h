#ifndef FAIRRATE_BLOCKLIST_H
#define FAIRRATE_BLOCKLIST_H

#include <stddef.h>

/*
 * IP blocklists in the forms their maintainers publish them, read line by line (pure,
 * no I/O; collector/blocklist_store attributes the networks to assets):
 *   plain            one address or CIDR network a line ("192.0.2.7", "2001:db8::/48")
 *   Spamhaus DROP    "192.0.2.0/24 ; SBL123456" (the reference after ';')
 *   abuse.ch CSV     comma-separated fields, quoted or not, comment lines with '#'
 *                    (Feodo Tracker: first_seen,dst_ip,dst_port,c2_status,last_online,
 *                    malware): the first field that is an address is the network,
 *                    the last field that is not one is the reference (the family)
 * Blank lines and lines starting with '#' or ';' are skipped; so is one header line of
 * a CSV file (a row with no address, before any data row).
 */

#define BLOCKLIST_NET_MAX 64
#define BLOCKLIST_REF_MAX 128
#define BLOCKLIST_LINE_MAX 4096

struct blocklist_reader {
	int data_rows;                    /* rows with a network read so far */
};

/* blocklist_line: read one line (without its newline; len bytes). 1 with the network
 * (canonical text: address/prefix) in net and the reference in ref (may be ""); 0 for
 * a line to skip; -1 with the reason in err. */
int blocklist_line(struct blocklist_reader *rd, const char *line, size_t len,
    char net[BLOCKLIST_NET_MAX], char ref[BLOCKLIST_REF_MAX], char *err, size_t errlen);

#endif
