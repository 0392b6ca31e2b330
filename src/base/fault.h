/* fault.h: deterministic fault injection for the kill-anywhere tests. */
#ifndef FERRY_FAULT_H
#define FERRY_FAULT_H

/*
 * FERRY_FAULT="STEP:POINT" makes ferry die abruptly (SIGKILL to itself) when
 * it reaches POINT of STEP.  Points: before-apply, after-apply (before the
 * journal write), mid-edit (between writing a file and its reload),
 * after-verify.  A test enumerates (step, point) pairs from `plan --json`.
 */
void fault_point(const char *step, const char *point);

#endif
