/**
 * The private-messaging sample: the behaviour of Socket.IO's private messaging guide, part IV (persistent sessions,
 * a session store and a message store in Redis, one room per user so that several tabs act as one), written the
 * Spring way: an annotated controller on the {@code /private-messaging} namespace, a connection middleware bean and
 * reactive Spring Data Redis stores (in-memory ones on the single-node default).
 */
package dev.socketeer.sample.messaging;
