// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract RewardBatchVerifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 14515205691527664815604422540830099906979728071685404591067115118920487765520;
    uint256 constant alphay  = 19543048539042731010072945030763235963341931045422585781791593837613217642951;
    uint256 constant betax1  = 11402817462676526860488069257367951160144865735021071277863750576567367414944;
    uint256 constant betax2  = 10750903826863725700453234621272680574031679576006325295199834917920963680456;
    uint256 constant betay1  = 10750382730468319838951895889927228555602847540545322209767402358881294322104;
    uint256 constant betay2  = 19135388309059621748667727271048959130286991690855522386780995713342138482746;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 6371052210750032382982879555384296922026884951570434839904327033651466991827;
    uint256 constant deltax2 = 18580607052745915255481265704580141685709688936306567054531068149468549918615;
    uint256 constant deltay1 = 18573108024434830490023449496434573368055639734504374724918338844237883722016;
    uint256 constant deltay2 = 18721030888213168728851562863937611161674035255232526858958180837189108162781;

    
    uint256 constant IC0x = 144380066554604481265107275808751584790271882527040844799163051280591645868;
    uint256 constant IC0y = 14856802072824168454878782213724833967145542854676863413022510692497784593375;
    
    uint256 constant IC1x = 7580760053054439358749610912913110177140982643976481971737659723409183053464;
    uint256 constant IC1y = 18506409454542399626181297333159460575845425366960749070583109297008207131782;
    
    uint256 constant IC2x = 18975594522768036636015736524401012868526511749462561398618063694603550436010;
    uint256 constant IC2y = 18007531198655674164719190933238822836069009893378366767468429942495080489321;
    
    uint256 constant IC3x = 18731849538365113195477021870509546587594549987815918826179991197014976953589;
    uint256 constant IC3y = 1980179919486630562022404184350400223765924796000795792059053061065612198480;
    
    uint256 constant IC4x = 3794365056489125449023016141281927118570585389750267413759945201279802920524;
    uint256 constant IC4y = 13047263977698612008086484825882079740845077578045817502186230059012767674332;
    
    uint256 constant IC5x = 13123850123416573623772465464797453620719465678892809401636927835884809361898;
    uint256 constant IC5y = 9585089209175656664733596974212497953729140802644437593414826700971368253395;
    
    uint256 constant IC6x = 5491576211713103619648061390712039596109479899603916194512986414528513452595;
    uint256 constant IC6y = 10548589113419648772592435129370058054656702652137417626713211483292268393837;
    
    uint256 constant IC7x = 1969917069933055631250684487006333767818071581839955586215403597508222655555;
    uint256 constant IC7y = 4031501962920000769253683088976045239230518700857869652454912068463212520437;
    
    uint256 constant IC8x = 5039108985505462049823998279134167034708252747110862837151453435431886175603;
    uint256 constant IC8y = 5614680529336508870732351054653656817822457382324055818588603044242197308962;
    
    uint256 constant IC9x = 2712973872726194202007010083338889679573938740454744543299101424016846825673;
    uint256 constant IC9y = 6785888706703377003643646233480504820597617364782422790622615927437505449874;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[9] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
