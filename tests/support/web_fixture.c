#include "tests/support/web_fixture.h"

const char *const web_fixture_hosts[] = {"lax.test", "careful.test", "offhost.test",
    NULL};

const char web_fixture_certs_sh[] =
    "for n in lax.test careful.test offhost.test; do leaf $n 825 \"$EC\" sha256; done\n";

static void
web_server(FILE *c, const char *dir, int port, const char *name, const char *location)
{
	fprintf(c, "server { listen 127.0.0.1:%d ssl; server_name %s;\n"
	    " ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key;\n"
	    " location / { default_type text/html;\n%s } }\n", port, name, dir, name, dir,
	    name, location);
}

void
web_fixture_servers(FILE *c, const char *dir, int https_port, int http_port)
{
	web_server(c, dir, https_port, "lax.test",
	    "  add_header Strict-Transport-Security \"max-age=31536000\";\n"
	    "  add_header Content-Security-Policy \"default-src *; script-src 'self'"
	    " http://cdn.other.test\";\n"
	    "  add_header Referrer-Policy unsafe-url;\n"
	    "  add_header Set-Cookie \"sessionid=1; Path=/\";\n"
	    "  add_header Set-Cookie \"__Host-pref=1; Secure; HttpOnly; SameSite=Lax;"
	    " Path=/; Domain=lax.test\";\n"
	    "  add_header Access-Control-Allow-Origin $http_origin;\n"
	    "  add_header Access-Control-Allow-Credentials true;\n"
	    "  return 200 \"<html><script src='http://cdn.other.test/a.js'></script>"
	    "<script src='https://cdn.other.test/b.js'></script></html>\\n\";");
	web_server(c, dir, https_port, "careful.test",
	    "  add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains;"
	    " preload\";\n"
	    "  add_header Content-Security-Policy \"default-src 'none'; script-src"
	    " 'nonce-r4nd' 'strict-dynamic' 'unsafe-inline' https:; frame-ancestors"
	    " 'self'\";\n"
	    "  add_header Referrer-Policy strict-origin-when-cross-origin;\n"
	    "  add_header X-Content-Type-Options nosniff;\n"
	    "  add_header Set-Cookie \"__Host-sid=1; Secure; HttpOnly; Path=/;"
	    " SameSite=Strict\";\n"
	    "  add_header Access-Control-Allow-Origin *;\n"
	    "  return 200 \"<html><script nonce=r4nd src='https://cdn.other.test/b.js'"
	    " integrity='sha384-x' crossorigin></script><script nonce=r4nd"
	    " src='/local.js'></script></html>\\n\";");
	web_server(c, dir, https_port, "offhost.test", "  return 200 \"x\\n\";");
	fprintf(c, "server { listen 127.0.0.1:%d; server_name offhost.test;\n"
	    " return 301 https://good.test/; }\n", http_port);
}
