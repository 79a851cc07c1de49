#include "collector/scan_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/import_store.h"
#include "common/log.h"

int
scan_results_add(struct scan_results *r, const char *code, const char *outcome,
    const char *key, const char *details)
{
	struct scan_result *x;

	if (details == NULL)
		details = "{}";
	if (key == NULL)
		key = "";
	if (r->n >= SCAN_RESULTS_MAX || strlen(code) >= sizeof(x->code) ||
	    strlen(outcome) >= sizeof(x->outcome) || strlen(key) >= sizeof(x->key) ||
	    strlen(details) >= sizeof(x->details)) {
		r->truncated = 1;
		return (-1);
	}
	x = &r->items[r->n++];
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->outcome, sizeof(x->outcome), "%s", outcome);
	snprintf(x->key, sizeof(x->key), "%s", key);
	snprintf(x->details, sizeof(x->details), "%s", details);
	return (0);
}

struct results_rejects {
	long first_line;                      /* of the first rejected row */
	char message[256];
};

static void
results_report(void *arg, long line, const char *message)
{
	struct results_rejects *r = arg;

	if (r->first_line == 0) {
		r->first_line = line;
		snprintf(r->message, sizeof(r->message), "%s", message);
	}
}

/* Stage and write the results of items[0..n) in one import transaction. 0 written,
 * 1 refused by the database (nothing written; why in rej), -1 failure (logged). */
static int
results_write(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts, struct results_rejects *rej)
{
	struct import_evidence *e;
	struct import_store *s;
	struct import_counts ic;
	long line = 0, rejected = 0;
	size_t i, k;
	int rc = -1;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		log_error("scan: out of memory");
		return (-1);
	}
	if ((s = import_store_begin(conn, IMPORT_EVIDENCE)) == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		const struct scan_results *r = items[i].results;

		for (k = 0; k < r->n; k++) {
			const struct scan_result *x = &r->items[k];

			memset(e, 0, sizeof(*e));
			snprintf(e->company, sizeof(e->company), "%s", items[i].company);
			e->asset.kind = IMPORT_ASSET_DOMAIN;
			snprintf(e->asset.value, sizeof(e->asset.value), "%s", items[i].domain);
			snprintf(e->check_code, sizeof(e->check_code), "%s", x->code);
			snprintf(e->outcome, sizeof(e->outcome), "%s", x->outcome);
			snprintf(e->observation_key, sizeof(e->observation_key), "%s", x->key);
			e->first_seen = e->last_seen = items[i].observed_at;
			snprintf(e->source, sizeof(e->source), "%s", SCAN_RESULTS_SOURCE);
			snprintf(e->collector_version, sizeof(e->collector_version), "%s",
			    SCAN_RESULTS_VERSION);
			e->details = x->details;
			e->details_len = strlen(x->details);
			if (import_store_add_evidence(s, ++line, e) != 0) {
				import_store_abort(s);
				goto done;
			}
		}
	}
	if (line == 0) {
		import_store_abort(s);
		rc = 0;
		goto done;
	}
	memset(&ic, 0, sizeof(ic));
	rc = import_store_finish(s, SCAN_RESULTS_SOURCE, 1, results_report, rej, &rejected,
	    &ic);
	if (rc == 0 && counts != NULL) {
		counts->results += line;
		counts->inserted += ic.evidence_inserted;
		counts->updated += ic.evidence_updated;
		counts->unchanged += line - ic.evidence_inserted - ic.evidence_updated;
	}
done:
	free(e);
	return (rc);
}

int
scan_results_store(PGconn *conn, const struct scan_results_item *items, size_t n,
    struct scan_results_counts *counts)
{
	struct results_rejects rej;
	size_t i;
	int rc;

	memset(&rej, 0, sizeof(rej));
	if ((rc = results_write(conn, items, n, counts, &rej)) != 1)
		return (rc);
	/* Some domain's rows were refused: write each domain alone. */
	for (i = 0; i < n; i++) {
		memset(&rej, 0, sizeof(rej));
		if ((rc = results_write(conn, &items[i], 1, counts, &rej)) < 0)
			return (-1);
		if (rc == 1) {
			log_error("scan: %s (%s): results not stored: %s", items[i].domain,
			    items[i].company, rej.message);
			if (counts != NULL)
				counts->domains_rejected++;
		}
	}
	return (0);
}
