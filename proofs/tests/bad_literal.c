/* A deliberately bad annotation: `make proofs-literal-test` asserts that
 * check-literals.sh rejects it (WP 25 would read 1e3 as 1.3). */
/*@ requires bound: \abs(a) <= 1e3;
    ensures small: \abs(\result) <= 1.5;
*/
double sg_bad_literal(double a) { return a; }
