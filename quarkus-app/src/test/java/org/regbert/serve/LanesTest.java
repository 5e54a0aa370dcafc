package org.regbert.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lanes on a real Camel context, wired as the inbox route wires them: a recursive file consumer
 * (the inbox and one level of lane folders) takes the turns in its thread, the threads EIP hands each run
 * to the pool, where it awaits its turn. One lane's runs never overlap and keep the order they were taken
 * in; another lane's run goes on meanwhile; a run that fails passes its turn on; a file two folders down
 * is not read.
 */
class LanesTest {
    @TempDir
    Path inbox;

    @Test
    void oneLaneRunsInOrderWhileAnotherRunsBesideIt() throws Exception {
        for (String f : List.of("a/A1.txt", "a/A2.txt", "a/A3.txt", "a/A4.txt", "a/A5.txt", "b/B1.txt", "T1.txt",
                "a/deeper/X1.txt")) {
            Files.createDirectories(inbox.resolve(f).getParent());
            Files.writeString(inbox.resolve(f), f);
        }
        Lanes lanes = new Lanes();
        List<String> finishedInA = Collections.synchronizedList(new ArrayList<>());
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger runningInA = new AtomicInteger();
        AtomicInteger mostAtOnceInA = new AtomicInteger();
        CountDownLatch bStarted = new CountDownLatch(1);
        CountDownLatch allDone = new CountDownLatch(7);
        boolean[] a1SawB = new boolean[1];
        String[] defaultLane = {"unset"};
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // sorted by relative name: a/A1 ... a/A5, b/B1, T1 (B1 is taken after all of lane a)
                    from("file:" + inbox + "?recursive=true&maxDepth=2&sortBy=file:name&delete=true"
                            + "&moveFailed=.failed&initialDelay=0")
                            .process(e -> e.getMessage().setHeader(Lanes.LANE,
                                    Lanes.laneOf(e.getMessage().getHeader(Exchange.FILE_NAME, String.class))))
                            .process(lanes::take).threads(8, 8).process(lanes::await).process(e -> {
                                String name = e.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
                                seen.add(name);
                                try {
                                    run(name, e.getMessage().getHeader(Lanes.LANE, String.class));
                                } finally {
                                    allDone.countDown();
                                }
                            });
                }

                void run(String name, String lane) throws InterruptedException {
                    if (name.startsWith("B")) {
                        bStarted.countDown();
                        return;
                    }
                    if (name.startsWith("T")) {
                        defaultLane[0] = lane;
                        return;
                    }
                    mostAtOnceInA.accumulateAndGet(runningInA.incrementAndGet(), Math::max);
                    try {
                        if (name.equals("A1.txt")) {
                            // B1 is taken after A2..A5: it can start now only if lane b does not wait for lane a
                            a1SawB[0] = bStarted.await(20, TimeUnit.SECONDS);
                        }
                        Thread.sleep(30);  // time for a wrongly released A2 to overlap
                        if (name.equals("A4.txt")) {
                            throw new IllegalStateException("A4 fails");
                        }
                    } finally {
                        finishedInA.add(name);
                        runningInA.decrementAndGet();
                    }
                }
            });
            camel.start();
            assertTrue(allDone.await(60, TimeUnit.SECONDS), "every run ended: " + seen);
        }
        assertTrue(a1SawB[0], "lane b ran while lane a's first run held its turn");
        assertEquals(List.of("A1.txt", "A2.txt", "A3.txt", "A4.txt", "A5.txt"), finishedInA,
                "lane a in the order its runs were taken, A5 after A4 failed");
        assertEquals(1, mostAtOnceInA.get(), "lane a's runs never overlap");
        assertNull(defaultLane[0], "a file in the inbox itself is in the default lane");
        assertFalse(seen.contains("X1.txt"), "a file two folders down is not read");
        assertTrue(Files.exists(inbox.resolve("a/deeper/X1.txt")));
    }

    @Test
    void theLaneIsTheInboxSubFolder() {
        assertNull(Lanes.laneOf("hg19.fa"));
        assertEquals("grch38", Lanes.laneOf("grch38/ENCFF001.bigWig"));
        assertEquals("my_lab", Lanes.laneOf("my lab/x.bed"));
        assertNull(Lanes.laneOf(null));
    }
}
