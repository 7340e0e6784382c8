/**
 * Test support shared by Socketeer's test suites: real Node.js clients and servers driven over JSON lines
 * ({@link dev.socketeer.test.NodeSocketIoClient}, {@link dev.socketeer.test.NodeSocketIoServer}), the Java
 * client helper ({@link dev.socketeer.test.JavaSocketIoClient}), and the platform-wide guards that make every test
 * JVM fail on Netty buffer leaks and on blocking calls in non-blocking threads.
 */
package dev.socketeer.test;
