/* Webhooks: a company's (dispute state changes and its own rating changes) and an
 * investor portfolio's (rating changes of its public companies). The secret that
 * signs the bodies is shown once, when the webhook is set. The delivery worker
 * (dispute/webhook_worker.h) is started by `fairrate serve` beside the server. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "api/request.h"
#include "api/resource.h"
#include "api/routes.h"
#include "collector/address_policy.h"
#include "collector/outbound.h"
#include "common/db_pool.h"
#include "common/log.h"
#include "common/sha256.h"
#include "dispute/webhook.h"
#include "dispute/webhook_store.h"

/* Whose webhook the request is about: the company of a company key, or the {id}
 * portfolio, which the key must own (404 otherwise). 0, or -1 after answering. */
static int
webhook_routes_owner(struct api_request *r, enum webhook_owner *owner, int64_t *id)
{
	const char *pid = request_param(r, "id");
	PGconn *db;
	int rc;

	if (pid == NULL) {
		*owner = WEBHOOK_OWNER_COMPANY;
		*id = request_principal(r)->company_id;
		return (0);
	}
	*owner = WEBHOOK_OWNER_PORTFOLIO;
	*id = strtoll(pid, NULL, 10);
	if ((db = request_db(r)) == NULL)
		return (-1);
	if ((rc = webhook_store_portfolio_owned(db, *id, request_principal(r)->key_id)) < 0) {
		resource_db_failed(r, "cannot read the portfolio");
		return (-1);
	}
	if (rc == 0) {
		request_reply_error(r, 404, "not_found", "no such portfolio for this key");
		return (-1);
	}
	return (0);
}

void
webhook_routes_get(struct api_request *r)
{
	enum webhook_owner owner;
	json_t *v;
	int64_t id;
	int found;

	if (webhook_routes_owner(r, &owner, &id) != 0 || request_db(r) == NULL)
		return;
	v = webhook_store_get(request_db(r), owner, id, &found);
	if (!found)
		request_reply_error(r, 404, "not_found", "no webhook is set");
	else if (v == NULL)
		resource_db_failed(r, "cannot read the webhook");
	else
		resource_reply(r, 200, v);
}

/* A receiver written as a non-public address (in any of its spellings) is refused
 * when it is set, not only at each delivery: the operator's FAIRRATE_OUTBOUND_ALLOW
 * networks are the exception, as for deliveries. Names are judged at delivery, when
 * they are resolved. 1 after answering 422. */
static int
webhook_routes_refused_literal(struct api_request *r, const char *url)
{
	struct outbound_config cfg;
	struct sockaddr_storage sa;

	if (!webhook_url_literal(url, &sa))
		return (0);
	if (outbound_config_from_env(&cfg) != 0) {
		request_reply_error(r, 500, "internal_error", "the outbound settings are wrong");
		return (1);
	}
	if (address_policy_allowed((const struct sockaddr *)&sa, cfg.nets, cfg.nnets))
		return (0);
	request_reply_error(r, 422, "non_public_address", "the url's host is an address"
	    " that is not public (loopback, private, link-local, unspecified or reserved);"
	    " webhooks are delivered to public addresses only");
	return (1);
}

void
webhook_routes_put(struct api_request *r)
{
	const char *url = json_string_value(json_object_get(request_json(r), "url"));
	unsigned char raw[WEBHOOK_SECRET_LEN / 2];
	char secret[WEBHOOK_SECRET_LEN + 1];
	enum webhook_owner owner;
	json_t *v;
	int64_t id;
	int found;

	if (url == NULL || !webhook_url_valid(url)) {
		request_reply_error(r, 400, "invalid_url", "url is an https:// URL of at most"
		    " %d bytes, without user information", WEBHOOK_URL_MAX);
		return;
	}
	if (webhook_routes_refused_literal(r, url) ||
	    webhook_routes_owner(r, &owner, &id) != 0 || request_db(r) == NULL)
		return;
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		request_reply_error(r, 500, "internal_error", "cannot draw random bytes");
		return;
	}
	hex_encode(raw, sizeof(raw), secret);
	/* OPENSSL_cleanse, not memset: a compiler may drop a memset of a buffer that is
	 * not read again, and these bytes are the signing secret. */
	OPENSSL_cleanse(raw, sizeof(raw));
	if (webhook_store_put(request_db(r), owner, id, url, secret,
	    request_principal(r)->key_id) != 0 ||
	    (v = webhook_store_get(request_db(r), owner, id, &found)) == NULL) {
		resource_db_failed(r, "cannot set the webhook");
		OPENSSL_cleanse(secret, sizeof(secret));
		return;
	}
	/* The secret is shown once, here. */
	json_object_set_new(v, "secret", json_string(secret));
	resource_reply(r, 200, v);
	OPENSSL_cleanse(secret, sizeof(secret));
}

void
webhook_routes_delete(struct api_request *r)
{
	enum webhook_owner owner;
	int64_t id;
	int rc;

	if (webhook_routes_owner(r, &owner, &id) != 0 || request_db(r) == NULL)
		return;
	if ((rc = webhook_store_delete(request_db(r), owner, id)) < 0)
		resource_db_failed(r, "cannot remove the webhook");
	else if (rc == 0)
		request_reply_error(r, 404, "not_found", "no webhook is set");
	else
		request_reply_empty(r, 204);
}
