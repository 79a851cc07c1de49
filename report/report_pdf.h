#ifndef FAIRRATE_REPORT_PDF_H
#define FAIRRATE_REPORT_PDF_H

#include "common/buf.h"
#include "common/i18n.h"
#include "report/report.h"

/* report_pdf_render: draw r on one A4 page as PDF (cairo's PDF surface, text laid out
 * by pango: Japanese with the Noto CJK fonts), texts in cat's language (cat may be
 * NULL: English), appended to out. Returns 0, or -1 when cairo fails or out's limit is
 * reached (logged). */
int report_pdf_render(const struct report *r, const struct i18n *cat, struct buf *out);

#endif
