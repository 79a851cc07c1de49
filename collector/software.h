#ifndef FAIRRATE_SOFTWARE_H
#define FAIRRATE_SOFTWARE_H

/*
 * Product and version named by what a server says about itself (pure): a Server or
 * X-Powered-By header ("nginx/1.18.0", "Apache/2.4.29 (Ubuntu)", "PHP/7.4.3") or a
 * service's banner ("SSH-2.0-OpenSSH_7.4p1 Debian-10", "220 ProFTPD 1.3.5 Server",
 * a MySQL greeting's version). Products get the ids of endoflife.date where it has
 * them (nginx, apache-http-server, php, iis, mysql, ...); docs/collector.md lists them.
 */

#define SOFTWARE_PRODUCT_MAX 32
#define SOFTWARE_VERSION_MAX 64

struct software {
	char product[SOFTWARE_PRODUCT_MAX];
	char version[SOFTWARE_VERSION_MAX];
};

/* software_from_header: the first known product with a version in a header value.
 * 1 found, 0 not. */
int software_from_header(const char *value, struct software *out);

/* software_from_banner: the product and version of a service's banner excerpt;
 * service is what the port scan called it ("ssh", "mysql", ...; may be NULL). 1 found,
 * 0 not. */
int software_from_banner(const char *service, const char *banner, struct software *out);

/* software_product_known: whether id is a product id of the table. */
int software_product_known(const char *id);

#endif
