/** The Admin UI page's samples (docs/guide/admin-ui.md). */
package dev.socketeer.guide.admin;
