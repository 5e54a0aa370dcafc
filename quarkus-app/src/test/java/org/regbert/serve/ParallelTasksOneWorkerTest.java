package org.regbert.serve;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;

/**
 * {@link ParallelTasksTest} with one worker (the default): the run that splits into the two tasks holds
 * no worker while its branches wait for it, so the chain ends (a deadlock would leave the run unfinished
 * and fail the test's wait); the branches take turns on the worker, so no two of their stages overlap.
 */
@QuarkusTest
@TestProfile(ParallelTasksOneWorkerTest.OneWorker.class)
class ParallelTasksOneWorkerTest extends ParallelTasksTest {
    public static class OneWorker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TasksResource.class, Map.of("workers", "1")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    boolean overlapping() {
        return false;
    }
}
