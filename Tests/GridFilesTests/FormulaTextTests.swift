@testable import GridFiles
import Testing

@Suite struct FormulaTextTests {
    @Test func prefixesAreAddedToFutureFunctionsOnly() {
        #expect(FormulaText.addingPrefixes("IFS(A1>0,\"IFS(\",TRUE,XOR(1,0))+SUM(ifna(1,2))")
            == "_xlfn.IFS(A1>0,\"IFS(\",TRUE,_xlfn.XOR(1,0))+SUM(_xlfn.ifna(1,2))")
        #expect(FormulaText.addingPrefixes("'DAYS(x'!A1+DAYS(1,2)+MYDAYS(1)+STDEV.S(A:A)")
            == "'DAYS(x'!A1+_xlfn.DAYS(1,2)+MYDAYS(1)+_xlfn.STDEV.S(A:A)")
        #expect(FormulaText.addingPrefixes("_xlfn.IFS(1,2)") == "_xlfn.IFS(1,2)")
        #expect(FormulaText.addingPrefixes("CONCAT(A1)&CONCATENATE(B1)") == "_xlfn.CONCAT(A1)&CONCATENATE(B1)")
    }

    @Test func prefixesAreRemovedOutsideStrings() {
        #expect(FormulaText.removingPrefixes("_xlfn._xlws.SORT(_XLFN.IFS(1,\"_xlfn.x\"))") == "SORT(IFS(1,\"_xlfn.x\"))")
        #expect(FormulaText.removingPrefixes("LET(_xlpm.x,1,_xlpm.x+1)") == "LET(x,1,x+1)")
        #expect(FormulaText.removingPrefixes("my_xlfn.x") == "my_xlfn.x")
    }

    @Test func sharedFormulasMove() {
        #expect(FormulaText.shifted("A1+$B$2+B$3+$C4", rows: 2, columns: 1) == "B3+$B$2+C$3+$C6")
        #expect(FormulaText.shifted("SUM(A:B)+SUM(1:2)+'My Sheet'!A1+Sheet2!C3", rows: 1, columns: 1)
            == "SUM(B:C)+SUM(2:3)+'My Sheet'!B2+Sheet2!D4")
        #expect(FormulaText.shifted("LOG10(A1)+\"A1\"+1E5+ATAN2(1,2)", rows: 1, columns: 0) == "LOG10(A2)+\"A1\"+1E5+ATAN2(1,2)")
        #expect(FormulaText.shifted("A1+XFD1", rows: 0, columns: 1) == "B1+#REF!")
        #expect(FormulaText.shifted("A2", rows: -1, columns: 0) == "A1")
    }
}
