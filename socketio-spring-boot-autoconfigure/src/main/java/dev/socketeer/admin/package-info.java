/**
 * The server side of the Socket.IO Admin UI's protocol ({@code @socket.io/admin-ui} 0.5.1): an admin namespace with
 * optional authentication, periodic server statistics, live socket events in development mode, and the UI's commands
 * (emit, join, leave, disconnect) carried out through the adapter, so across the cluster. Installed by
 * {@link dev.socketeer.admin.AdminInstrumentation#instrument}; nothing here runs when it is not called.
 */
package dev.socketeer.admin;
