/**
 * The code of the user guide ({@code docs/guide/*.md}) and of the README: every Java block there is a
 * contiguous run of lines of a file in this package or below ({@code GuideSnippetsTest}), so the
 * guide's samples compile against the current API; the cheap ones are also run by tests.
 */
package dev.socketeer.guide;
