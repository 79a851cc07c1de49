#ifndef FAIRRATE_VERIS_H
#define FAIRRATE_VERIS_H

#include <stddef.h>

#include <jansson.h>

#include "collector/feeds.h"

/*
 * VERIS incident records (the schema of the VERIS Community Database, VCDB: one JSON
 * object per incident) read as a breaches row of collector/feeds (pure):
 *   victim.victim_id                the victim's name (matched to a company by name)
 *   timeline.incident.year/.month/.day   occurred_at (month and day default to 1)
 *   plus.created                    disclosed_at: when the incident entered the
 *                                   public record (VCDB codes published reports)
 *   action.malware.variety has "Ransomware"  -> kind ransomware; else action.error
 *                                   with a data disclosure and no hacking or malware
 *                                   -> data_exposure; else breach
 *   attribute.confidentiality.data_total  records; severity critical from 1,000,000
 *                                   records, high from 10,000, medium from 1; without a
 *                                   count: high for ransomware, low when
 *                                   data_disclosure is "No", else medium
 *   incident_id, summary            external_ref, summary
 */

struct veris_breach {
	char victim[256];
	char occurred_at[21];
	char disclosed_at[21];                /* "" when the record has no plus.created */
	char kind[16];
	char severity[10];
	char external_ref[128];
	char summary[1001];
	char records[24];                     /* "" when not counted */
};

/* veris_breach: read one incident record. 0, or -1 with the reason in err. */
int veris_breach(const json_t *incident, struct veris_breach *out, char *err,
    size_t errlen);

/* veris_fields: the breaches row of b for company slug (b and slug must outlive f). */
void veris_fields(const struct veris_breach *b, const char *slug, struct feeds_fields *f);

#endif
