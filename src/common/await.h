// Blocking on an asynchronous operation that reports through a callback.
#pragma once

#include <semaphore.h>

#include <cerrno>
#include <optional>
#include <utility>

namespace folio {

// Calls `start(deliver)`, where `start` begins an operation that eventually calls
// `deliver(T)` exactly once, on any thread (possibly before `start` returns), and blocks the
// calling thread until it has; returns the delivered value. `deliver` refers to this call's
// stack, so it must not be called after that one delivery.
//
// The hand-off is one POSIX semaphore: posting wakes the waiter with a single futex wake (a
// condition variable signalled under its mutex wakes the waiter into the still-held mutex, a
// second wake), and POSIX lets the waiter destroy the semaphore as soon as sem_wait returns,
// while sem_post may still be returning.
template <typename T, typename Start>
T AwaitCallback(Start&& start) {
  struct Hand {
    Hand() { sem_init(&sem, 0, 0); }
    ~Hand() { sem_destroy(&sem); }
    sem_t sem;
    std::optional<T> out;
  } hand;
  std::forward<Start>(start)([&hand](T value) {
    hand.out = std::move(value);
    sem_post(&hand.sem);  // publishes `out`: sem_post/sem_wait synchronize memory
  });
  while (sem_wait(&hand.sem) != 0 && errno == EINTR) {
  }
  return *std::move(hand.out);
}

}  // namespace folio
