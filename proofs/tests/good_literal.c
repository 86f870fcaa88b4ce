/* Accepted literal forms (and code outside annotations is not checked). */
static const double c = 1e3; /* plain C: fine */
/*@ requires bound: \abs(a) <= 1.0e3 && \abs(a) <= 1e+3 && \abs(a) <= 1000.0;
    requires hex: 0x1p-53 < 1.0 && 0x1e3 > 0;
*/
double sg_good_literal(double a) { return a + c; }
