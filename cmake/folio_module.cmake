# folio_module(<name> SOURCES a.cc b.cc DEPS folio_x ... [LIBS external...])
#   Creates the static library folio_<name>; src/ is the include root. Records the declared
#   folio_* dependencies for the layering test.
# folio_test(<target> SOURCES t.cc ... DEPS ... [LABELS unit] [TIMEOUT s])
#   A GoogleTest executable registered with ctest (one ctest entry per test binary, so the
#   default run stays cheap); labelled for `ctest -L`.
set(FOLIO_WARNINGS -Wall -Wextra -Werror=unused-result -Werror=return-type -Wno-unused-parameter)
file(WRITE ${CMAKE_BINARY_DIR}/folio_layering.txt "")

function(folio_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(folio_${name} STATIC ${M_SOURCES})
  target_include_directories(folio_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(folio_${name} PRIVATE ${FOLIO_WARNINGS})
  target_link_libraries(folio_${name} PUBLIC ${M_DEPS} ${M_LIBS})
  set(deps "")
  foreach(d ${M_DEPS})
    string(REGEX REPLACE "^folio_" "" d "${d}")
    list(APPEND deps ${d})
  endforeach()
  string(REPLACE ";" " " deps "${deps}")
  file(APPEND ${CMAKE_BINARY_DIR}/folio_layering.txt "${name}: ${deps}\n")
endfunction()

function(folio_test target)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT FOLIO_BUILD_TESTS)
    return()
  endif()
  add_executable(${target} ${T_SOURCES})
  target_compile_options(${target} PRIVATE ${FOLIO_WARNINGS})
  target_link_libraries(${target} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${target} PRIVATE
    FOLIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FOLIO_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata")
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_test(NAME ${target} COMMAND ${target})
  set_tests_properties(${target} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()

# folio_fuzzer(<target> SOURCES f.cc DEPS ...): a libFuzzer binary, built only with
# FOLIO_BUILD_FUZZERS=ON (the `fuzz` preset, clang).
function(folio_fuzzer target)
  cmake_parse_arguments(F "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT FOLIO_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${target} ${F_SOURCES})
  target_link_libraries(${target} PRIVATE ${F_DEPS})
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
endfunction()
