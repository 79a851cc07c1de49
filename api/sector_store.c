#include "api/sector_store.h"

#include <stdlib.h>
#include <string.h>

#include "api/company_view.h"
#include "common/db_pool.h"
#include "common/log.h"

#define SS_LIST "sector_list"
#define SS_DISTRIBUTION "sector_distribution"

/* Public companies with their latest rating's status, score and grade. */
#define SS_LATEST(where) \
	"SELECT c.sector, r.status, r.score, r.grade FROM companies c" \
	" LEFT JOIN LATERAL (SELECT status, score, grade FROM ratings" \
	" WHERE company_id = c.id ORDER BY id DESC LIMIT 1) r ON true" \
	" WHERE c.visibility = 'public'" where

#define SS_COUNTS \
	" count(*), count(*) FILTER (WHERE status = 'rated')," \
	" count(*) FILTER (WHERE status = 'insufficient_data')," \
	" round((percentile_cont(0.5) WITHIN GROUP (ORDER BY score)" \
	"  FILTER (WHERE status = 'rated'))::numeric, 1)"

int
sector_store_register(struct db_pool *pool)
{
	if (db_pool_register(pool, SS_LIST, "WITH latest AS (" SS_LATEST("") ")"
	    " SELECT sector," SS_COUNTS " FROM latest GROUP BY sector ORDER BY sector",
	    0) != 0 ||
	    db_pool_register(pool, SS_DISTRIBUTION,
	    "WITH latest AS (" SS_LATEST(" AND c.sector = $1") ")"
	    " SELECT" SS_COUNTS ","
	    " (SELECT coalesce(json_object_agg(b, n), '{}'::json) FROM (SELECT"
	    "  least(floor(score / 10), 9)::int AS b, count(*) AS n FROM latest"
	    "  WHERE status = 'rated' GROUP BY 1) h),"
	    " (SELECT coalesce(json_object_agg(grade, n ORDER BY grade), '{}'::json)"
	    "  FROM (SELECT grade, count(*) AS n FROM latest WHERE status = 'rated'"
	    "  GROUP BY grade) g)"
	    " FROM latest", 1) != 0)
		return (-1);
	return (0);
}

static json_t *
ss_count(const PGresult *res, int row, int col)
{
	return (json_integer((json_int_t)strtoll(PQgetvalue(res, row, col), NULL, 10)));
}

json_t *
sector_store_list(struct db_pool *pool, PGconn *conn)
{
	json_t *items, *item;
	PGresult *res;
	int i;

	if ((res = db_pool_exec(pool, conn, SS_LIST, 0, NULL, NULL)) == NULL)
		return (NULL);
	items = json_array();
	for (i = 0; items != NULL && i < PQntuples(res); i++) {
		item = json_pack("{s:s, s:o, s:o, s:o, s:o}", "sector", PQgetvalue(res, i, 0),
		    "companies", ss_count(res, i, 1), "rated", ss_count(res, i, 2),
		    "insufficient_data", ss_count(res, i, 3), "median_score",
		    company_view_number(PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4)));
		if (item == NULL || json_array_append_new(items, item) != 0) {
			json_decref(items);
			items = NULL;
		}
	}
	PQclear(res);
	if (items == NULL)
		log_error("sectors: out of memory");
	return (items);
}

/* Ten bins from {"0": n, ..., "9": n} (bins without companies are absent). */
static json_t *
ss_histogram(const char *text)
{
	json_t *in = json_loads(text, 0, NULL), *out = json_array(), *bin;
	char key[4];
	int b;

	for (b = 0; in != NULL && out != NULL && b < 10; b++) {
		key[0] = (char)('0' + b);
		key[1] = '\0';
		bin = json_pack("{s:i, s:i, s:I}", "from", b * 10, "to", b == 9 ? 100 :
		    b * 10 + 10, "companies", json_integer_value(json_object_get(in, key)));
		if (bin == NULL || json_array_append_new(out, bin) != 0) {
			json_decref(out);
			out = NULL;
		}
	}
	if (in == NULL) {
		json_decref(out);
		out = NULL;
	}
	json_decref(in);
	return (out);
}

int
sector_store_distribution(struct db_pool *pool, PGconn *conn, const char *sector,
    json_t **out)
{
	const char *params[1] = {sector};
	PGresult *res;

	if ((res = db_pool_exec(pool, conn, SS_DISTRIBUTION, 1, params, NULL)) == NULL)
		return (-1);
	if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
		PQclear(res);
		return (0);
	}
	*out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "sector", sector,
	    "companies", ss_count(res, 0, 0), "rated", ss_count(res, 0, 1),
	    "insufficient_data", ss_count(res, 0, 2), "median_score",
	    company_view_number(PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3)),
	    "histogram", ss_histogram(PQgetvalue(res, 0, 4)),
	    "grades", json_loads(PQgetvalue(res, 0, 5), 0, NULL));
	PQclear(res);
	if (*out == NULL)
		log_error("sectors: cannot build the distribution of %s", sector);
	return (*out != NULL ? 1 : -1);
}
