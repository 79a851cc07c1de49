#include "report/report_pdf.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "common/log.h"
#include "common/timefmt.h"

/* A4 in points, and the page's margins and column. */
#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 40.0
#define COL_W (PAGE_W - 2 * MARGIN)

struct pdf {
	cairo_t *cr;
	PangoContext *pango;           /* of the shared font map, for every layout */
	const struct i18n *cat;
	const char *lang;
};

static const char *
T(const struct pdf *p, const char *s)
{
	return (i18n_text(p->cat, s));
}

static int pdf_render(const struct report *r, const struct i18n *cat, struct buf *out);

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
	return (buf_append(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR);
}

enum { LEFT, RIGHT, CENTRE };

/* Draw text at (x, y) (its top left), size pt, within width (0: unbounded), bold or
 * not, aligned LEFT, RIGHT or CENTRE in the width; returns its height. */
static double
pdf_text(const struct pdf *p, double x, double y, double width, double size, int bold,
    int align, const char *text)
{
	PangoLayout *layout = pango_layout_new(p->pango);
	PangoFontDescription *fd = pango_font_description_new();
	int w, h;

	/* DejaVu Sans (fonts-dejavu-core) for English; IPA P Gothic (fonts-ipafont-gothic)
	 * for Japanese. Both are TrueType: a subset of them is small and quick to embed,
	 * where one of Noto Sans CJK (CFF) took a quarter of a second and 1 MB a page. */
	pango_font_description_set_family(fd, strcmp(p->lang, "ja") == 0 ?
	    "IPAPGothic" : "DejaVu Sans");
	/* IPA P Gothic has no bold face: emboldening it would make cairo embed each bold
	 * glyph again as a drawn fallback font, several times slower. Japanese headings
	 * are set larger instead. */
	if (bold && strcmp(p->lang, "ja") == 0)
		size *= 1.08;
	else
		pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
		    PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(layout, fd);
	if (width > 0) {
		pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(layout, align == RIGHT ? PANGO_ALIGN_RIGHT :
		    align == CENTRE ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	}
	pango_layout_set_text(layout, text, -1);
	pango_layout_get_pixel_size(layout, &w, &h);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, layout);
	pango_font_description_free(fd);
	g_object_unref(layout);
	return ((double)h);
}

static void
pdf_rgb(const struct pdf *p, unsigned rgb)
{
	cairo_set_source_rgb(p->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
	    (rgb & 0xff) / 255.0);
}

/* The colour of a grade: A green to F red; grey when there is none. */
static unsigned
pdf_grade_rgb(const char *grade)
{
	switch (grade[0]) {
	case 'A': return (0x1b7f3b);
	case 'B': return (0x5a9b2f);
	case 'C': return (0xc49a00);
	case 'D': return (0xd9731a);
	case 'F': return (0xc0392b);
	default: return (0x777777);
	}
}

static double
pdf_heading(const struct pdf *p, double y, const char *title)
{
	pdf_rgb(p, 0x1f2d3d);
	y += pdf_text(p, MARGIN, y, 0, 11, 1, 0, title) + 2;
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, MARGIN, y);
	cairo_line_to(p->cr, PAGE_W - MARGIN, y);
	cairo_stroke(p->cr);
	return (y + 6);
}

static double
pdf_header(const struct pdf *p, const struct report *r, double y)
{
	char line[400], at[32], gen[32];

	pdf_rgb(p, 0x1f2d3d);
	pdf_text(p, MARGIN, y, COL_W, 9, 0, RIGHT, T(p, "Security rating report"));
	y += pdf_text(p, MARGIN, y, COL_W - 160, 18, 1, 0, r->name);
	snprintf(line, sizeof(line), "%s: %s   %s: %s   %s: %s", T(p, "Sector"),
	    i18n_ctext(p->cat, "code", r->sector), T(p, "Size band"),
	    i18n_ctext(p->cat, "code", r->size_band), T(p, "Rated as of"),
	    timefmt_format(r->as_of, at));
	pdf_rgb(p, 0x555555);
	y += pdf_text(p, MARGIN, y + 2, COL_W, 9, 0, 0, line) + 2;
	snprintf(line, sizeof(line), "%s %s", T(p, "Generated"),
	    timefmt_format(r->generated_at, gen));
	y += pdf_text(p, MARGIN, y, COL_W, 8, 0, 0, line);
	return (y + 10);
}

/* The grade box on the left and the standing beside it. */
static double
pdf_summary(const struct pdf *p, const struct report *r, double y)
{
	char line[300], score[48];
	double x = MARGIN + 140, ty = y;
	const struct {
		const char *label;
		const struct report_standing *s;
	} st[2] = {{"in its sector", &r->in_sector}, {"in its sector and size band",
	    &r->in_size_band}};
	size_t i;

	pdf_rgb(p, pdf_grade_rgb(r->rated ? r->grade : ""));
	cairo_rectangle(p->cr, MARGIN, y, 120, 96);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	pdf_text(p, MARGIN, y + 4, 120, 48, 1, CENTRE, r->rated ? r->grade : "-");
	if (r->rated)
		snprintf(score, sizeof(score), "%.1f / 100", r->score);
	else
		snprintf(score, sizeof(score), "%s", T(p, "insufficient data"));
	pdf_text(p, MARGIN, y + 72, 120, 12, 1, CENTRE, score);
	pdf_rgb(p, 0x1f2d3d);
	snprintf(line, sizeof(line), "%s: %s", T(p, "Confidence"), T(p, r->confidence));
	ty += pdf_text(p, x, ty, COL_W - 140, 10, 0, 0, line) + 4;
	if (!r->rated)
		ty += pdf_text(p, x, ty, COL_W - 140, 9, 0, 0, r->insufficient_reason) + 4;
	for (i = 0; i < 2; i++) {
		if (st[i].s->percentile < 0)
			snprintf(line, sizeof(line), "%s: %s", T(p, st[i].label),
			    T(p, "no public rated peers to compare with"));
		else
			snprintf(line, sizeof(line), "%s: %s %.1f  (%s %ld)", T(p, st[i].label),
			    T(p, "percentile"), st[i].s->percentile, T(p, "rated companies:"),
			    st[i].s->rated);
		ty += pdf_text(p, x, ty, COL_W - 140, 10, 0, 0, line) + 4;
	}
	pdf_rgb(p, 0x555555);
	pdf_text(p, x, ty, COL_W - 140, 8, 0, 0, T(p, "A percentile of 75 means the company "
	    "scores above three quarters of the public rated companies it is compared with."));
	return (y + 108);
}

/* The score over twelve months, methodology changes marked by dashed lines. */
static double
pdf_trend(const struct pdf *p, const struct report *r, double y)
{
	const double x0 = MARGIN + 28, w = COL_W - 28, h = 110;
	double lo, hi, v, px, py, t0, t1;
	char label[48];
	size_t i;
	int started = 0;

	y = pdf_heading(p, y, T(p, "Score over the last twelve months"));
	report_trend_range(r, &lo, &hi);
	t1 = (double)(r->generated_at > r->as_of ? r->generated_at : r->as_of);
	t0 = t1 - (double)REPORT_MONTHS * 31 * TIMEFMT_DAY;
	cairo_set_line_width(p->cr, 0.4);
	for (v = lo; v <= hi + 1e-9; v += 10) {
		py = y + h - (v - lo) / (hi - lo) * h;
		pdf_rgb(p, 0xdddddd);
		cairo_move_to(p->cr, x0, py);
		cairo_line_to(p->cr, x0 + w, py);
		cairo_stroke(p->cr);
		pdf_rgb(p, 0x777777);
		snprintf(label, sizeof(label), "%.0f", v);
		pdf_text(p, MARGIN, py - 5, 24, 7, 0, RIGHT, label);
	}
	for (i = 0; i < r->npoints; i++) {
		px = x0 + ((double)r->points[i].at - t0) / (t1 - t0) * w;
		if (report_change_at(r, i)) {
			static const double dash[] = {3, 2};

			pdf_rgb(p, 0x2a6fb0);
			cairo_set_dash(p->cr, dash, 2, 0);
			cairo_move_to(p->cr, px, y);
			cairo_line_to(p->cr, px, y + h);
			cairo_stroke(p->cr);
			cairo_set_dash(p->cr, NULL, 0, 0);
			snprintf(label, sizeof(label), "%s %s", T(p, "methodology"),
			    r->points[i].version);
			pdf_text(p, px + 2, y, 0, 7, 0, 0, label);
		}
	}
	pdf_rgb(p, 0x1f2d3d);
	cairo_set_line_width(p->cr, 1.4);
	for (i = 0; i < r->npoints; i++) {
		if (!r->points[i].rated) {
			started = 0;
			continue;
		}
		px = x0 + ((double)r->points[i].at - t0) / (t1 - t0) * w;
		py = y + h - (r->points[i].score - lo) / (hi - lo) * h;
		if (started)
			cairo_line_to(p->cr, px, py);
		else
			cairo_move_to(p->cr, px, py);
		started = 1;
	}
	/* A rating holds until the next row: the line runs on to today. */
	if (started)
		cairo_line_to(p->cr, x0 + w, py);
	cairo_stroke(p->cr);
	for (i = 0; i < r->npoints; i++)
		if (r->points[i].rated) {
			px = x0 + ((double)r->points[i].at - t0) / (t1 - t0) * w;
			py = y + h - (r->points[i].score - lo) / (hi - lo) * h;
			cairo_arc(p->cr, px, py, 1.8, 0, 2 * M_PI);
			cairo_fill(p->cr);
		}
	if (r->npoints <= 1) {
		pdf_rgb(p, 0x777777);
		pdf_text(p, x0 + 8, y + 4, w - 16, 8, 0, 0, T(p, "No change in these "
		    "twelve months: the rating has held since it was computed."));
	}
	return (y + h + 12);
}

/* Factor scores as bars (bonus factors as the points they add). */
static double
pdf_factors(const struct pdf *p, const struct report *r, double y)
{
	const double label_w = 190, bar_x = MARGIN + label_w, bar_w = COL_W - label_w - 70;
	char val[48];
	double lh;
	size_t i;

	y = pdf_heading(p, y, T(p, "Factors (score out of 100, weight)"));
	for (i = 0; i < r->nfactors; i++) {
		const struct report_factor *f = &r->factors[i];

		pdf_rgb(p, 0x1f2d3d);
		lh = pdf_text(p, MARGIN, y, label_w - 6, 8.5, 0, 0, i18n_ctext(p->cat, "factor",
		    f->name));
		pdf_rgb(p, 0xeeeeee);
		cairo_rectangle(p->cr, bar_x, y + 2, bar_w, 8);
		cairo_fill(p->cr);
		if (f->bonus)
			snprintf(val, sizeof(val), "+%.1f %s", f->score, T(p, "points"));
		else if (f->has_data)
			snprintf(val, sizeof(val), "%.1f  (%.0f)", f->score, f->weight);
		else
			snprintf(val, sizeof(val), "%s  (%.0f)", T(p, "no data"), f->weight);
		if (!f->bonus && f->has_data) {
			pdf_rgb(p, f->score >= 80 ? 0x1b7f3b : f->score >= 60 ? 0xc49a00 : 0xc0392b);
			cairo_rectangle(p->cr, bar_x, y + 2, bar_w * f->score / 100.0, 8);
			cairo_fill(p->cr);
		}
		pdf_rgb(p, 0x1f2d3d);
		pdf_text(p, bar_x + bar_w + 6, y, 64, 8.5, 0, 0, val);
		y += lh + 3 > 14 ? lh + 3 : 14;
	}
	return (y + 6);
}

static double
pdf_disclosures(const struct pdf *p, const struct report *r, double y)
{
	size_t i;

	y = pdf_heading(p, y, T(p, "Governance disclosures"));
	for (i = 0; i < r->ndisclosures; i++) {
		const struct report_disclosure *d = &r->disclosures[i];

		pdf_rgb(p, d->status == REPORT_VERIFIED ? 0x1b7f3b :
		    d->status == REPORT_SUBMITTED ? 0xc49a00 : 0x777777);
		pdf_text(p, MARGIN + COL_W - 150, y, 150, 8.5, 1, RIGHT,
		    T(p, d->status == REPORT_VERIFIED ? "verified" :
		    d->status == REPORT_SUBMITTED ? "submitted, not verified" : "not disclosed"));
		pdf_rgb(p, 0x1f2d3d);
		y += pdf_text(p, MARGIN, y, COL_W - 160, 8.5, 0, 0,
		    i18n_ctext(p->cat, "check", d->title)) + 3;
	}
	return (y + 6);
}

static double
pdf_actions(const struct pdf *p, const struct report *r, double y)
{
	char gain[64], n[24];
	size_t i;

	y = pdf_heading(p, y, T(p, "Top five actions (score and grade after each)"));
	if (r->nactions == 0) {
		pdf_rgb(p, 0x555555);
		return (y + pdf_text(p, MARGIN, y, COL_W, 9, 0, 0, T(p, r->rated ?
		    "Nothing to fix: no finding costs points." :
		    "No plan until the company has enough evidence for a rating.")) + 8);
	}
	for (i = 0; i < r->nactions; i++) {
		const struct report_action *a = &r->actions[i];
		char title[300];

		pdf_rgb(p, 0x1f2d3d);
		snprintf(n, sizeof(n), "%zu.", i + 1);
		pdf_text(p, MARGIN, y, 16, 9, 1, 0, n);
		if (a->nfixes > 1)
			snprintf(title, sizeof(title), "%s  (%s %zu)", i18n_ctext(p->cat, "check",
			    a->title), T(p, "findings fixed together:"), a->nfixes);
		else
			snprintf(title, sizeof(title), "%s", i18n_ctext(p->cat, "check", a->title));
		snprintf(gain, sizeof(gain), "+%.2f  ->  %.1f %s", a->gain, a->score_after,
		    a->grade_after);
		pdf_text(p, MARGIN + COL_W - 130, y, 130, 9, 1, RIGHT, gain);
		y += pdf_text(p, MARGIN + 16, y, COL_W - 150, 9, 0, 0, title) + 4;
	}
	return (y + 6);
}

static void
pdf_footer(const struct pdf *p, const struct report *r)
{
	char line[400];
	double y = PAGE_H - MARGIN - 34;

	pdf_rgb(p, 0x555555);
	snprintf(line, sizeof(line), "%s %s.  %s: %s", T(p, "Methodology"),
	    r->methodology_version, T(p, "Inputs digest"), r->inputs_digest);
	y += pdf_text(p, MARGIN, y, COL_W, 7.5, 0, 0, line) + 2;
	pdf_text(p, MARGIN, y, COL_W, 7.5, 0, 0, T(p, "Every figure follows from the "
	    "published methodology and the company's evidence: recompute the score and "
	    "the digest with docs/methodology.md."));
}

/*
 * One font map for the process, and one report drawn at a time: pango's cairo font
 * map (with fontconfig's and FreeType's caches of the fonts it opened) is otherwise
 * one per thread, and each of the server's threads would hold its own copy of every
 * font, a CJK font's tables included. A report takes a few milliseconds to draw in
 * English and a few tens in Japanese; the data it needs is gathered before, outside
 * the lock.
 */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *pdf_fonts;

int
report_pdf_render(const struct report *r, const struct i18n *cat, struct buf *out)
{
	int rc;

	pthread_mutex_lock(&pdf_lock);
	if (pdf_fonts == NULL)
		pdf_fonts = pango_cairo_font_map_new();
	rc = pdf_fonts != NULL ? pdf_render(r, cat, out) : -1;
	pthread_mutex_unlock(&pdf_lock);
	return (rc);
}

static int
pdf_render(const struct report *r, const struct i18n *cat, struct buf *out)
{
	cairo_surface_t *s;
	struct pdf p;
	double y = MARGIN;
	cairo_status_t st;

	s = cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, r->name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "fairrate");
	p.cr = cairo_create(s);
	p.cat = cat;
	p.lang = cat != NULL && cat->lang[0] ? cat->lang : "en";
	p.pango = pango_font_map_create_context(pdf_fonts);
	pango_cairo_update_context(p.cr, p.pango);
	pango_context_set_language(p.pango, pango_language_from_string(p.lang));
	y = pdf_header(&p, r, y);
	y = pdf_summary(&p, r, y);
	y = pdf_trend(&p, r, y);
	y = pdf_factors(&p, r, y);
	y = pdf_disclosures(&p, r, y);
	(void)pdf_actions(&p, r, y);
	pdf_footer(&p, r);
	cairo_show_page(p.cr);
	g_object_unref(p.pango);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		log_error("report: cannot draw the PDF: %s", cairo_status_to_string(st));
		return (-1);
	}
	return (0);
}
